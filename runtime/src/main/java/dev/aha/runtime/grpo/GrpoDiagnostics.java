package dev.aha.runtime.grpo;

import java.util.List;

/**
 * What one loss evaluation says about the update, averaged over completion tokens.
 *
 * @param meanKl mean k3 estimate of KL(pi_theta || pi_ref); 0 when beta = 0
 * @param clipFractionLow share of tokens with rho &lt; 1 - eps_low and A &lt; 0 (the lower clip is active)
 * @param clipFractionHigh share of tokens with rho &gt; 1 + eps_high and A &gt; 0 (the upper clip is active)
 * @param meanRatio mean of the clipped ratio rho: pi_theta / pi_behaviour, or with a rollout correction
 *     pi_theta / pi_prox (1 at the forward of a step's single update)
 * @param meanAdvantage mean advantage over sequences
 * @param tokens completion tokens in the batch
 * @param correctedFraction share of tokens whose importance weight pi_prox / pi_behaviour exceeds the rollout
 *     correction's cap: truncated (tis) or masked out of the loss (mis); 0 with correction none
 */
public record GrpoDiagnostics(float meanKl, float clipFractionLow, float clipFractionHigh, float meanRatio,
        float meanAdvantage, long tokens, float correctedFraction) {

    /** Diagnostics of a loss without rollout correction. */
    public GrpoDiagnostics(float meanKl, float clipFractionLow, float clipFractionHigh, float meanRatio,
            float meanAdvantage, long tokens) {
        this(meanKl, clipFractionLow, clipFractionHigh, meanRatio, meanAdvantage, tokens, 0f);
    }

    /** The diagnostics of a whole batch from those of its micro-batches: token-weighted, advantage row-weighted. */
    public static GrpoDiagnostics combine(List<GrpoDiagnostics> parts, List<Integer> rows) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        double kl = 0;
        double low = 0;
        double high = 0;
        double ratio = 0;
        double advantage = 0;
        double corrected = 0;
        long tokens = 0;
        long sequences = 0;
        for (int i = 0; i < parts.size(); i++) {
            GrpoDiagnostics d = parts.get(i);
            kl += (double) d.meanKl() * d.tokens();
            low += (double) d.clipFractionLow() * d.tokens();
            high += (double) d.clipFractionHigh() * d.tokens();
            ratio += (double) d.meanRatio() * d.tokens();
            advantage += (double) d.meanAdvantage() * rows.get(i);
            corrected += (double) d.correctedFraction() * d.tokens();
            tokens += d.tokens();
            sequences += rows.get(i);
        }
        double t = Math.max(1, tokens);
        return new GrpoDiagnostics((float) (kl / t), (float) (low / t), (float) (high / t), (float) (ratio / t),
                (float) (advantage / Math.max(1, sequences)), tokens, (float) (corrected / t));
    }
}
