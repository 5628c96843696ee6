package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.aha.runtime.engine.Scalars;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Per-token log-probabilities of given tokens without the whole [tokens x vocabulary] logits ever existing, after
 * Liger Kernel's fused linear cross-entropy. A real vocabulary makes the logits the largest arrays of a learner step
 * (4 x 96 tokens of Qwen's 151,936 columns are 233 MB of float32, and autograd keeps them, their log-softmax and both
 * their gradients); here the output head runs on chunks of rows, each keeping only its log-probs and logsumexp.
 *
 * <p>Under training the head's part of the backward pass runs outside autograd (DJL has no custom autograd
 * functions), a slice of the vocabulary at a time: the caller's loss is backpropagated to the log-probs alone, which
 * gives g = dL/dlogp; then, with z = logits / T and p = softmax(z),
 * <pre>
 *   dlogits = g / T * (onehot(next) - p)      dH = dlogits . W      dW = dlogits^T . H   (in the head's layout)
 * </pre>
 * dW is added into the head weight's gradient and H's gradient is backpropagated through the decoder. The head's
 * product is run once more than autograd would (the forward's logits are not kept); what one chunk holds is bounded
 * by a byte budget.
 */
public final class ChunkedLogProbs {

    /**
     * Bytes of float32 logits one chunk of rows (or one slice of the vocabulary) may hold. Under glibc's largest
     * mmap threshold (32 MB): a freed chunk is then reused from the heap, where a larger one is mapped and
     * page-faulted afresh each time. Measured on a 2-layer Qwen3 of hidden 128 with the real vocabulary, a GRPO step
     * of 4 x 96 tokens with its reference (CPU time of the step; peak RSS of the process): 16 MB chunks 0.79 s and
     * 1.33 GB, 64 MB chunks 1.17 s and 1.08 GB, the whole logits through autograd 1.00 s and 1.76 GB.
     */
    public static final long DEFAULT_CHUNK_BYTES = 16L << 20;

    private final long chunkBytes;

    /** @param chunkBytes most bytes of float32 logits one chunk holds; about three arrays that size live at once */
    public ChunkedLogProbs(long chunkBytes) {
        if (chunkBytes <= 0) {
            throw new IllegalArgumentException("the chunk budget must be positive, was " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
    }

    /** Chunks of {@link #DEFAULT_CHUNK_BYTES}, smaller where a learner's logits budget is smaller. */
    public static ChunkedLogProbs within(long logitsBudget) {
        return new ChunkedLogProbs(Math.min(DEFAULT_CHUNK_BYTES, logitsBudget));
    }

    public long chunkBytes() {
        return chunkBytes;
    }

    /** Rows of logits per chunk of the forward. */
    int rowsPerChunk(long vocabSize) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, chunkBytes / (vocabSize * Float.BYTES)));
    }

    /**
     * Columns of the vocabulary per slice of the backward, over {@code rows} rows of {@code hidden} wide states: a
     * slice holds (rows x columns) of logits and (columns x hidden) of the head weight's gradient.
     */
    int columnsPerSlice(long rows, long hidden, long vocabSize) {
        long widest = Math.max(1, Math.max(rows, hidden));
        return (int) Math.max(1, Math.min(vocabSize, chunkBytes / (widest * Float.BYTES)));
    }

    /**
     * {@link Policy#tokenLogProbs(NDArray, float, int)}, a chunk of rows at a time. Without gradient recording that is
     * all it holds; under autograd it is still exact, but autograd keeps every chunk (see {@link #record}).
     *
     * @return (B, T-1-fromColumn), in the manager of {@code tokens}
     */
    public NDArray compute(Policy policy, NDArray tokens, float temperature, int fromColumn) {
        Scored scored = score(policy, tokens, fromColumn);
        NDArray flat = scored.hidden().reshape(-1, scored.hidden().getShape().get(2));
        NDArray targets = scored.targets().reshape(-1);
        return rows(flat, targets, policy::outputHead, policy.vocabSize(), temperature, false).logProbs()
                .reshape(scored.targets().getShape());
    }

    /**
     * The log-probs for a learner step, inside the caller's open gradient collector: the decoder runs under autograd,
     * the head a chunk at a time outside it. The loss is computed from {@link TrainingLogProbs#logProbs()} and handed
     * to {@link TrainingLogProbs#backward}. A policy that does not expose its output head weight
     * ({@link Policy#outputHeadWeight()}) runs its whole logits through autograd instead.
     */
    public TrainingLogProbs record(Policy policy, NDArray tokens, float temperature, int fromColumn) {
        Optional<OutputHeadWeight> exposed = policy.outputHeadWeight();
        if (exposed.isEmpty()) {
            NDArray values = policy.tokenLogProbs(tokens, temperature, fromColumn);
            return new TrainingLogProbs.ThroughLogits(values);
        }
        OutputHeadWeight head = exposed.get();
        Scored scored = score(policy, tokens, fromColumn);
        NDArray hidden = scored.hidden(); // (B, C, d), recording
        NDArray flat = hidden.stopGradient().reshape(-1, hidden.getShape().get(2));
        NDArray weight = head.detached(flat);
        NDArray targets = scored.targets().reshape(-1);
        long vocab = head.vocabSize();
        Rows rows = rows(flat, targets, h -> head.logits(h, weight, 0, vocab), vocab, temperature, true);
        NDArray values = rows.logProbs().reshape(scored.targets().getShape());
        values.setRequiresGradient(true);
        return new SlicedHeadBackward(this, head, hidden, flat, weight, targets, rows.logsumexp(), values,
                temperature);
    }

    /** The decoder's hidden states at the scored positions, (B, C, d), and the tokens they predict, (B, C) int64. */
    private record Scored(NDArray hidden, NDArray targets) {}

    private static Scored score(Policy policy, NDArray tokens, int fromColumn) {
        long t = tokens.getShape().get(1);
        if (fromColumn < 0 || fromColumn >= t - 1) {
            throw new IllegalArgumentException("fromColumn " + fromColumn + " outside [0, " + (t - 1) + ")");
        }
        NDArray hidden = policy.hiddenStates(tokens).get(new NDIndex(":, {}:{}, :", fromColumn, t - 1));
        NDArray targets = tokens.get(new NDIndex(":, {}:", fromColumn + 1)).toType(DataType.INT64, false);
        return new Scored(hidden, targets);
    }

    /** Each row's log-prob of its target, (N,), and the logsumexp of its z = logits / T, (N,) or null. */
    private record Rows(NDArray logProbs, NDArray logsumexp) {}

    /**
     * log_softmax(head(flat) / T) at the targets, a chunk of rows at a time, with each row's logsumexp when
     * {@code withLogsumexp} (the backward's softmax needs it).
     */
    private Rows rows(NDArray flat, NDArray targets, UnaryOperator<NDArray> head, long vocab, float temperature,
            boolean withLogsumexp) {
        long n = flat.getShape().get(0);
        int per = rowsPerChunk(vocab);
        NDManager outer = flat.getManager();
        NDList values = new NDList();
        NDList sums = new NDList();
        for (long from = 0; from < n; from += per) {
            long to = Math.min(n, from + per);
            try (NDManager chunk = outer.newSubManager()) {
                flat.tempAttach(chunk);
                targets.tempAttach(chunk);
                NDArray logits = head.apply(flat.get(new NDIndex("{}:{}", from, to)));
                if (temperature != 1f) {
                    logits = Scalars.dividedBy(logits, temperature);
                }
                NDArray logSoftmax = logits.logSoftmax(-1);
                NDArray next = targets.get(new NDIndex("{}:{}", from, to)).expandDims(-1);
                NDArray value = logSoftmax.gather(next, -1).squeeze(-1);
                value.attach(outer);
                values.add(value);
                if (withLogsumexp) {
                    // z - logSoftmax is the logsumexp in every column; taken at the row's maximum, where logSoftmax
                    // is nearest 0, it loses least to rounding
                    NDArray sum = logits.max(new int[] {-1}).sub(logSoftmax.max(new int[] {-1}));
                    sum.attach(outer);
                    sums.add(sum);
                }
            }
        }
        return new Rows(joined(values), withLogsumexp ? joined(sums) : null);
    }

    private static NDArray joined(NDList parts) {
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
    }
}
