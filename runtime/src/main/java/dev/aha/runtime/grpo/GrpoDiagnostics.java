package dev.aha.runtime.grpo;

/**
 * What one loss evaluation says about the update, averaged over completion tokens.
 *
 * @param meanKl mean k3 estimate of KL(pi_theta || pi_ref); 0 when beta = 0
 * @param clipFractionLow share of tokens with rho &lt; 1 - eps_low and A &lt; 0 (the lower clip is active)
 * @param clipFractionHigh share of tokens with rho &gt; 1 + eps_high and A &gt; 0 (the upper clip is active)
 * @param meanRatio mean importance ratio rho
 * @param meanAdvantage mean advantage over sequences
 * @param tokens completion tokens in the batch
 */
public record GrpoDiagnostics(
        float meanKl, float clipFractionLow, float clipFractionHigh, float meanRatio, float meanAdvantage, long tokens) {}
