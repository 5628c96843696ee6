package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.aha.runtime.engine.Autocast;
import dev.aha.runtime.engine.BFloat16;

/**
 * A policy's output head weight and the products of a slice of the vocabulary against it, in whichever layout the
 * policy stores it: what {@link ChunkedLogProbs} needs to take the head's gradient a slice of the vocabulary at a time
 * instead of through autograd over the whole logits. The products go through {@link WeightMath}, so under the
 * learner's bf16-mixed precision they run in bfloat16 as autocast runs the head's forward and backward.
 *
 * @param weight the head weight itself (not a copy): its gradient is where the head's gradient accumulates. A tied
 *     head is the embedding table, whose gradient then also receives the embedding's.
 * @param vocabularyRows true for [V, d] (nn.Linear's [out, in], as Hugging Face's lm_head and embed_tokens are stored),
 *     false for [d, V] (the built-in GPT: logits = h W)
 */
public record OutputHeadWeight(NDArray weight, boolean vocabularyRows) {

    /** A [V, d] head: logits = h W^T. */
    public static OutputHeadWeight vocabularyRows(NDArray weight) {
        return new OutputHeadWeight(weight, true);
    }

    /** A [d, V] head: logits = h W. */
    public static OutputHeadWeight vocabularyColumns(NDArray weight) {
        return new OutputHeadWeight(weight, false);
    }

    public long vocabSize() {
        return weight.getShape().get(vocabularyRows ? 0 : 1);
    }

    public long hiddenSize() {
        return weight.getShape().get(vocabularyRows ? 1 : 0);
    }

    /** Whether training reaches this weight (a frozen base under adapters does not). */
    public boolean trainable() {
        return weight.hasGradient();
    }

    /**
     * Columns {@code [from, to)} of the logits of {@code hidden} (N, d), with {@code head} a detached view of the
     * weight (see {@link #detached}), so that no autograd graph is recorded: (N, to - from).
     */
    NDArray logits(NDArray hidden, NDArray head, long from, long to) {
        NDArray w = slice(head, from, to);
        return vocabularyRows ? WeightMath.linear(hidden, w, null) : WeightMath.matMul(hidden, w);
    }

    /** d logits[:, from:to] / d hidden applied to {@code dLogits} (N, to - from): (N, d). */
    NDArray towardsHidden(NDArray dLogits, NDArray head, long from, long to) {
        NDArray w = slice(head, from, to);
        return vocabularyRows ? WeightMath.matMul(dLogits, w) : WeightMath.linear(dLogits, w, null);
    }

    /** Adds the gradient of the weight's slice for {@code dLogits} (N, to - from) at {@code hidden} (N, d). */
    void accumulate(NDArray gradient, NDArray dLogits, NDArray hidden, long from, long to) {
        NDArray part = vocabularyRows ? WeightMath.matMul(dLogits.transpose(), hidden)
                : WeightMath.matMul(hidden.transpose(), dLogits);
        slice(gradient, from, to).addi(part); // a view of the gradient: the sum lands in it
    }

    /**
     * A view of the weight that shares its memory and records no gradient, owned by {@code hidden}'s manager. Under
     * bf16-mixed ({@link Autocast}) a bfloat16 copy instead, made once here rather than by every chunk's product.
     */
    NDArray detached(NDArray hidden) {
        NDArray view = weight.stopGradient();
        view.attach(hidden.getManager());
        if (Autocast.bf16() && !BFloat16.holds(view)) {
            NDArray narrow = BFloat16.narrow(view);
            view.close();
            return narrow;
        }
        return view;
    }

    private NDArray slice(NDArray w, long from, long to) {
        return w.get(vocabularyRows ? new NDIndex("{}:{}", from, to) : new NDIndex(":, {}:{}", from, to));
    }
}
