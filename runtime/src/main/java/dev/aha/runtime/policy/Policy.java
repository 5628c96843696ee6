package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.aha.protocol.weights.FlatWeights;
import java.util.List;
import java.util.Optional;

/**
 * A decoder-only language model as the rest of Aha sees it: the sampler, the learner's GRPO step, SFT, evaluation,
 * checkpoints, the backends and the actors use only this. Implementations: the built-in GPT
 * ({@code aha.policy.architecture = gpt}) and the Llama family loaded from Hugging Face directories.
 *
 * <p>Memory rule (DJL): an op's result belongs to the manager of its first operand. Implementations put the
 * activation first, so every intermediate of {@link #logits}, {@link #prefill} and {@link #step} lands in the
 * manager of the array passed in: run each call inside a short-lived sub-manager and nothing accumulates in the
 * policy's own manager.
 *
 * <p>Not thread-safe for concurrent calls on one instance; each rollout holds its own replica.
 */
public interface Policy extends AutoCloseable {

    /** {@code gpt}, {@code llama}, {@code qwen2}, {@code qwen3}. */
    String architecture();

    /** Rows of the embedding and columns of the output head (may exceed the tokenizer's ids, as in Qwen). */
    int vocabSize();

    /** Most positions one sequence (prompt plus completion) may hold. */
    int contextLength();

    /** The names, shapes and order of the weights: the flat snapshot's format. */
    ParameterLayout layout();

    /** What one cached position holds: the shape of a {@link SlotCache} for this policy. */
    KvShape kvShape();

    /** The weights in layout order; the optimiser updates these arrays in place. */
    List<PolicyParameter> parameters();

    /** Owns the weights; its device is where the policy computes. */
    NDManager manager();

    /**
     * The decoder over right-padded sequences up to and including the final norm: what the output head reads.
     * Causal attention alone keeps real tokens from seeing the padding that follows them, so no key mask is needed.
     *
     * @param tokens (B, T) int32 ids
     * @return (B, T, d), in the manager of {@code tokens}
     */
    NDArray hiddenStates(NDArray tokens);

    /** The output head: (..., d) hidden states to (..., V) logits, in the manager of {@code hidden}. */
    NDArray outputHead(NDArray hidden);

    /**
     * Full forward over right-padded sequences.
     *
     * @param tokens (B, T) int32 ids
     * @return logits (B, T, V), in the manager of {@code tokens}
     */
    default NDArray logits(NDArray tokens) {
        return outputHead(hiddenStates(tokens));
    }

    /**
     * Runs the prompt once and returns a cache holding every layer's keys and values, repeated for {@code batch}
     * completions that share the prompt, with the logits of the last prompt position, (batch, V).
     *
     * @param prompt (1, P) int32 ids, in the manager the cache should live in
     */
    KvCache prefill(NDArray prompt, int batch);

    /**
     * One incremental decoding step: the new tokens attend to the cached keys and values, which grow by one
     * position.
     *
     * @param next (B,) or (B, 1) int32 ids of the tokens just sampled
     * @return logits for the following position, (B, V), in the manager of {@code next}
     */
    NDArray step(KvCache cache, NDArray next);

    /**
     * One decoding step of every active row of a slot cache, each sequence at its own position: what continuous
     * batching runs. Row r's new token attends to row r's cached keys only.
     *
     * @param next (rows,) or (rows, 1) int32 ids of the tokens just sampled, in row order
     * @return float32 logits for each row's following position, (rows, V), in the manager of {@code next}
     */
    NDArray decode(SlotCache cache, NDArray next);

    /**
     * Per-token log-probabilities of each sequence, at the sampling temperature (the distribution the rollout
     * recorded as behaviour log-probs).
     *
     * @param tokens (B, T) int32 ids
     * @return (B, T-1): entry [b, t] is log p(tokens[b, t+1] | tokens[b, 0..t])
     */
    default NDArray tokenLogProbs(NDArray tokens, float temperature) {
        return tokenLogProbs(tokens, temperature, 0);
    }

    /**
     * The same from column {@code fromColumn} on. The output head is the costliest layer of a model with a real
     * vocabulary (151,936 x d multiply-adds per position for Qwen), and prompt positions carry no loss: the learner
     * runs the head only where some row has a completion token. The head runs on chunks of rows
     * ({@link ChunkedLogProbs}), so without gradient recording the whole logits never exist at once.
     *
     * @return (B, T-1-fromColumn): entry [b, c] is log p(tokens[b, fromColumn+c+1] | tokens[b, 0..fromColumn+c])
     */
    default NDArray tokenLogProbs(NDArray tokens, float temperature, int fromColumn) {
        return new ChunkedLogProbs(ChunkedLogProbs.DEFAULT_CHUNK_BYTES).compute(this, tokens, temperature, fromColumn);
    }

    /**
     * The output head's weight and its layout, so that a learner can take the head's gradient without the whole
     * logits ({@link ChunkedLogProbs#record}); empty where the policy does not expose it, and the learner then runs
     * the whole logits through autograd.
     */
    default Optional<OutputHeadWeight> outputHeadWeight() {
        return Optional.empty();
    }

    /** Turns gradient tracking on (learner) or off (rollout replicas, the frozen reference). */
    default void setTrainable(boolean trainable) {
        for (PolicyParameter p : parameters()) {
            p.array().setRequiresGradient(trainable);
        }
    }

    /** All weights as one flat float32 image in layout order (see {@link ParameterLayout}), in new memory. */
    default FlatWeights exportWeights() {
        return FlatWeightsCopy.export(this);
    }

    /**
     * Overwrites all weights, in place, from a flat float32 image in layout order. Copies into each tensor's own
     * memory (never shares the caller's), so the caller may reuse it at once. Bit-exact with {@link #exportWeights}.
     */
    default void importWeights(FlatWeights flat) {
        FlatWeightsCopy.importInto(this, flat);
    }

    /** Copies another policy's weights into this one; the layouts must be equal. */
    default void copyWeightsFrom(Policy other) {
        if (!other.layout().equals(layout())) {
            throw new IllegalArgumentException("layouts differ: " + other.architecture() + " " + other.layout()
                    + " vs " + architecture() + " " + layout());
        }
        importWeights(other.exportWeights());
    }

    /** Fails with a clear message when a sequence would not fit the context. */
    default void requireContext(int positions) {
        if (positions > contextLength()) {
            throw new IllegalArgumentException("sequence of " + positions + " tokens exceeds the context length "
                    + contextLength() + " of this policy");
        }
    }

    @Override
    void close();
}
