package dev.aha.runtime.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * How far the log-probs the rollouts recorded at sampling time (lb = log pi_behaviour) are from the learner's own on
 * the same tokens before its update (ll = log pi_learner), over a batch's completion tokens. With d = lb - ll:
 *
 * <pre>
 *   mean |d|, max |d|
 *   kl = mean d                        k1 estimate of KL(pi_behaviour || pi_learner) from the rollouts' samples
 *   k3 = mean (exp(-d) - 1 + d)        k3 estimate of the same, &gt;= 0 per token, lower variance
 * </pre>
 *
 * Both estimators are unbiased because the tokens were drawn from pi_behaviour; k1 may come out negative on a batch.
 * For a sample drawn by an older version, d mixes the rollout's numerics with the versions the learner has moved on
 * since: {@code fresh} repeats the figures over the samples the learner's current version drew, the numerical gap
 * alone.
 *
 * @param all every completion token of the batch
 * @param fresh the completion tokens of fresh samples ({@link GrpoSample#fresh()}); no tokens when none was fresh or
 *     the samples did not say which version drew them
 */
public record RolloutMismatch(Figures all, Figures fresh) {

    /** Nothing measured: no batch, or no real policy (a simulation). */
    public static final RolloutMismatch NONE = new RolloutMismatch(Figures.NONE, Figures.NONE);

    /**
     * @param tokens completion tokens measured
     * @param meanAbsLogDiff mean |lb - ll|
     * @param maxAbsLogDiff max |lb - ll|
     * @param kl mean (lb - ll): k1 estimate of KL(pi_behaviour || pi_learner)
     * @param k3 mean (exp(ll - lb) - 1 - (ll - lb)): k3 estimate of the same
     */
    public record Figures(long tokens, double meanAbsLogDiff, double maxAbsLogDiff, double kl, double k3) {

        public static final Figures NONE = new Figures(0, 0, 0, 0, 0);

        /** Token-weighted means, the largest max; parts without tokens add nothing. */
        static Figures combine(List<Figures> parts) {
            long tokens = 0;
            double abs = 0;
            double max = 0;
            double kl = 0;
            double k3 = 0;
            for (Figures f : parts) {
                tokens += f.tokens();
                abs += f.meanAbsLogDiff() * f.tokens();
                max = Math.max(max, f.maxAbsLogDiff());
                kl += f.kl() * f.tokens();
                k3 += f.k3() * f.tokens();
            }
            return tokens == 0 ? NONE : new Figures(tokens, abs / tokens, max, kl / tokens, k3 / tokens);
        }
    }

    /**
     * @param learnerLogProbs log pi_learner, (B, C); only its values are read
     * @param behaviourLogProbs log pi_behaviour, (B, C)
     * @param mask (B, C): 1 on completion tokens
     * @param freshRows (B, 1): 1 on rows the learner's current version sampled
     */
    public static RolloutMismatch measure(NDArray learnerLogProbs, NDArray behaviourLogProbs, NDArray mask,
            NDArray freshRows) {
        // masked before exp: outside completions the learner's log-prob of a pad token may overflow exp(-d)
        NDArray d = behaviourLogProbs.sub(learnerLogProbs.stopGradient()).mul(mask);
        NDArray abs = d.abs();
        NDArray k3 = d.neg().exp().sub(1f).add(d);
        NDArray freshMask = mask.mul(freshRows);
        NDArray freshD = d.mul(freshRows);
        float[] s = NDArrays.stack(new NDList(
                mask.sum(), abs.sum(), abs.max(), d.sum(), k3.sum(),
                freshMask.sum(), abs.mul(freshRows).sum(), abs.mul(freshRows).max(), freshD.sum(),
                k3.mul(freshRows).sum())).toFloatArray();
        return new RolloutMismatch(figures(s, 0), figures(s, 5));
    }

    private static Figures figures(float[] sums, int at) {
        long tokens = Math.round(sums[at]);
        if (tokens == 0) {
            return Figures.NONE;
        }
        return new Figures(tokens, sums[at + 1] / tokens, sums[at + 2], sums[at + 3] / tokens, sums[at + 4] / tokens);
    }

    /** The figures of a whole batch from those of its micro-batches. */
    public static RolloutMismatch combine(List<RolloutMismatch> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new RolloutMismatch(Figures.combine(parts.stream().map(RolloutMismatch::all).toList()),
                Figures.combine(parts.stream().map(RolloutMismatch::fresh).toList()));
    }
}
