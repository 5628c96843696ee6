package dev.aha.bench;

import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.llama.LlamaPolicy;

/**
 * Floating-point operations of the work both sides of {@code aha bench vs-pytorch} do, counted once from the model's
 * shape so that the two sides' FLOP/s are the same count over their own times. A multiply-add is 2 FLOPs; both sides
 * compute attention scores over the full (T, S) matrix before masking, and so does this count. Element-wise ops
 * (norms, softmax, activations, the optimiser) are left out: they are a few percent at these sizes.
 *
 * @param linearPerLayer weights one token multiplies per layer (attention projections and MLP)
 * @param layers decoder layers
 * @param attentionWidth query heads x head dim: the width of q k^T and of a v per position
 * @param headWeights hidden x vocabulary: the output head
 */
record ModelFlops(long linearPerLayer, int layers, long attentionWidth, long headWeights) {

    static ModelFlops of(Policy policy) {
        if (policy instanceof GptPolicy gpt) {
            GptConfig c = gpt.config();
            long d = c.modelDim();
            long m = c.mlpDim();
            return new ModelFlops(4 * d * d + 2 * d * m, c.layers(), d, d * c.vocabSize());
        }
        if (policy instanceof LlamaPolicy llama) {
            return of(llama.config());
        }
        throw new IllegalArgumentException("no FLOP count for " + policy.architecture());
    }

    static ModelFlops of(LlamaConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        return new ModelFlops(2 * d * q + 2 * d * kv + 3 * d * c.intermediateSize(), c.numHiddenLayers(), q,
                d * c.vocabSize());
    }

    /** One forward of {@code rows} x {@code length} new positions attending to {@code keys} positions each. */
    double forward(long rows, long length, long keys, long headPositions) {
        double perPosition = 2.0 * layers * linearPerLayer + 4.0 * layers * attentionWidth * keys;
        return rows * (length * perPosition + 2.0 * headWeights * headPositions);
    }

    /** Prefill of the prompt once, then one step of {@code group} rows per further token. */
    double sampling(int promptTokens, int group, int newTokens) {
        double total = forward(1, promptTokens, promptTokens, 1);
        for (int j = 1; j < newTokens; j++) {
            total += forward(group, 1, promptTokens + j, 1);
        }
        return total;
    }

    /**
     * A GRPO step on {@code rows} sequences of {@code length} tokens whose log-probs are taken at {@code scored}
     * positions: the reference's forward, the policy's forward, and its backward (twice a forward's multiply-adds).
     */
    double grpoStep(int rows, int length, int scored, boolean reference) {
        double forward = forward(rows, length, length, scored);
        return (reference ? 4 : 3) * forward;
    }
}
