package dev.aha.runtime.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * REINFORCE++'s advantage (Hu et al. 2025, arXiv 2501.03262, §3): the KL to the reference is a per-token penalty in
 * the reward, not a loss term, estimated with k1 at the behaviour policy; the return to go, with gamma = 1, is then
 * normalised over the whole batch (global advantage normalisation) instead of over a prompt's group:
 *
 * <pre>
 *   KL_t   = log pi_old(y_t) - log pi_ref(y_t)                       k1, per policy token, no gradient
 *   r_t    = 1[t = last policy token] * r(x, y) - beta * KL_t
 *   G_t    = sum_{s &gt;= t} r_s  = r(x, y) - beta * sum_{s &gt;= t} KL_s
 *   A_t    = (G_t - mean(G)) / (std(G) + eps)                       mean, std over every policy token of the batch
 * </pre>
 *
 * The paper's "REINFORCE++ w/ baseline" variant (group mean subtracted, k2 KL as a loss) is not this one. Observation
 * tokens of multi-turn episodes (mask 0) carry no KL, no return of their own and no weight in the batch's statistics;
 * std is the population one (OpenRLHF's masked normalisation).
 */
public final class ReinforcePlusPlus {

    private ReinforcePlusPlus() {}

    /** The group's outcome rewards, passed on as they are: their baseline is the batch's. */
    public static float[] outcomes(double[] rewards) {
        float[] out = new float[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException("reward is not finite: " + rewards[i]);
            }
            out[i] = (float) rewards[i];
        }
        return out;
    }

    /**
     * Token advantages A (B x C) of a batch.
     *
     * @param outcome r(x, y) per sequence
     * @param behaviour log pi_old per token
     * @param reference log pi_ref per token; null when beta = 0
     * @param mask 1 on policy tokens
     */
    public static float[][] advantages(float[] outcome, float[][] behaviour, float[][] reference, float[][] mask,
            double beta, double eps) {
        int b = outcome.length;
        float[][] returns = new float[b][];
        double sum = 0;
        double tokens = 0;
        for (int i = 0; i < b; i++) {
            int c = mask[i].length;
            returns[i] = new float[c];
            double toGo = outcome[i];
            for (int t = c - 1; t >= 0; t--) {
                if (mask[i][t] == 0) {
                    continue;
                }
                if (reference != null) {
                    toGo -= beta * (behaviour[i][t] - reference[i][t]);
                }
                returns[i][t] = (float) toGo;
                sum += toGo;
                tokens++;
            }
        }
        double mean = tokens > 0 ? sum / tokens : 0;
        double squares = 0;
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < returns[i].length; t++) {
                if (mask[i][t] != 0) {
                    squares += (returns[i][t] - mean) * (returns[i][t] - mean);
                }
            }
        }
        double std = tokens > 0 ? Math.sqrt(squares / tokens) : 0;
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < returns[i].length; t++) {
                returns[i][t] = mask[i][t] == 0 ? 0f : (float) ((returns[i][t] - mean) / (std + eps));
            }
        }
        return returns;
    }

    /** The same over a batch's arrays: (B, 1) outcomes to (B, C) token advantages, in the mask's manager. */
    public static NDArray advantages(NDArray outcome, NDArray behaviour, NDArray reference, NDArray mask, double beta,
            double eps) {
        long[] shape = mask.getShape().getShape();
        int b = (int) shape[0];
        int c = (int) shape[1];
        float[][] a = advantages(outcome.toFloatArray(), rows(behaviour, b, c),
                reference == null ? null : rows(reference, b, c), rows(mask, b, c), beta, eps);
        float[] flat = new float[b * c];
        for (int i = 0; i < b; i++) {
            System.arraycopy(a[i], 0, flat, i * c, c);
        }
        return mask.getManager().create(flat, new Shape(b, c));
    }

    private static float[][] rows(NDArray x, int b, int c) {
        float[] flat = x.toFloatArray();
        float[][] out = new float[b][c];
        for (int i = 0; i < b; i++) {
            System.arraycopy(flat, i * c, out[i], 0, c);
        }
        return out;
    }
}
