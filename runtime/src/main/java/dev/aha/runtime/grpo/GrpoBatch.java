package dev.aha.runtime.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Samples packed into right-padded tensors. Positions are shifted by one, as the log-probs are: column t of
 * {@code mask} and {@code behaviourLogProbs} is about token t+1.
 *
 * @param tokens (B, T) int32: prompt, completion, padding
 * @param mask (B, T-1) float: 1 where token t+1 is a completion token, 0 on prompt and padding
 * @param behaviourLogProbs (B, T-1) float: log pi_old of completion tokens, 0 elsewhere
 * @param advantages (B, 1) float
 */
public record GrpoBatch(NDArray tokens, NDArray mask, NDArray behaviourLogProbs, NDArray advantages, int size) {

    /** Packs {@code samples} into arrays of {@code manager}. */
    public static GrpoBatch pack(NDManager manager, List<GrpoSample> samples, int padId) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to pack");
        }
        int b = samples.size();
        int t = 0;
        for (GrpoSample s : samples) {
            t = Math.max(t, s.prompt().length + s.completion().length);
        }
        int[] tokens = new int[b * t];
        float[] mask = new float[b * (t - 1)];
        float[] old = new float[b * (t - 1)];
        float[] adv = new float[b];
        java.util.Arrays.fill(tokens, padId);
        for (int i = 0; i < b; i++) {
            GrpoSample s = samples.get(i);
            int p = s.prompt().length;
            System.arraycopy(s.prompt(), 0, tokens, i * t, p);
            System.arraycopy(s.completion(), 0, tokens, i * t + p, s.completion().length);
            for (int j = 0; j < s.completion().length; j++) {
                int column = p - 1 + j; // log-prob column that predicts completion token j
                mask[i * (t - 1) + column] = 1f;
                old[i * (t - 1) + column] = s.behaviourLogProbs()[j];
            }
            adv[i] = s.advantage();
        }
        return new GrpoBatch(
                manager.create(tokens, new Shape(b, t)),
                manager.create(mask, new Shape(b, t - 1)),
                manager.create(old, new Shape(b, t - 1)),
                manager.create(adv, new Shape(b, 1)),
                b);
    }
}
