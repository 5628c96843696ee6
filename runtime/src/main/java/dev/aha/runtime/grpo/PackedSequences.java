package dev.aha.runtime.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Prompt + completion pairs packed into one right-padded (B, T) token array and a mask of the log-prob columns that
 * score completion tokens. Log-prob column t is about token t+1, as {@link dev.aha.runtime.policy.Policy#tokenLogProbs}
 * returns it; columns before {@code firstColumn} (the shortest prompt's last position) score no row's completion and
 * are left out, so per-token arrays are (B, T-1-firstColumn) and completion token j of row i sits in column
 * {@code prompt_i.length - 1 + j - firstColumn}.
 */
public record PackedSequences(NDArray tokens, NDArray completionMask, int rows, int columns, int firstColumn) {

    public static PackedSequences pack(NDManager manager, List<int[]> prompts, List<int[]> completions, int padId) {
        if (prompts.isEmpty() || prompts.size() != completions.size()) {
            throw new IllegalArgumentException("need equally many prompts and completions, at least one; got "
                    + prompts.size() + " and " + completions.size());
        }
        int b = prompts.size();
        int t = 0;
        int first = Integer.MAX_VALUE;
        for (int i = 0; i < b; i++) {
            if (prompts.get(i).length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty");
            }
            t = Math.max(t, prompts.get(i).length + completions.get(i).length);
            first = Math.min(first, prompts.get(i).length - 1);
        }
        int columns = t - 1 - first;
        if (columns <= 0) {
            throw new IllegalArgumentException("no completion token to score in the batch");
        }
        int[] tokens = new int[b * t];
        float[] mask = new float[b * columns];
        Arrays.fill(tokens, padId);
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            int[] c = completions.get(i);
            System.arraycopy(p, 0, tokens, i * t, p.length);
            System.arraycopy(c, 0, tokens, i * t + p.length, c.length);
            int from = i * columns + column(p.length, 0, first);
            Arrays.fill(mask, from, from + c.length, 1f);
        }
        return new PackedSequences(manager.create(tokens, new Shape(b, t)), manager.create(mask, new Shape(b, columns)),
                b, columns, first);
    }

    /** The log-prob column of completion token {@code j} of a row whose prompt has {@code promptLength} tokens. */
    public static int column(int promptLength, int j, int firstColumn) {
        return promptLength - 1 + j - firstColumn;
    }
}
