package dev.aha.runtime.policy;

/**
 * How many rows of a batch one learner forward may hold: a batch is split into micro-batches of rows whose logits
 * would stay within a byte budget, each runs forward and backward, and gradients accumulate, so the optimiser step is
 * the same. The logits are never whole ({@link ChunkedLogProbs} runs the head on chunks of them), so the budget now
 * bounds what else grows with the rows: the decoder's activations kept for the backward pass.
 */
public final class MicroBatches {

    private MicroBatches() {}

    /**
     * @param budgetBytes most bytes of float32 logits one micro-batch may hold
     * @param columns scored positions per row
     * @return rows per micro-batch, between 1 and {@code rows}
     */
    public static int rows(long budgetBytes, long columns, int vocabSize, int rows) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the logits budget must be positive, was " + budgetBytes);
        }
        long perRow = Math.max(1, columns) * vocabSize * Float.BYTES;
        return (int) Math.max(1, Math.min(rows, budgetBytes / perRow));
    }
}
