package dev.aha.runtime.engine;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * How the learner computes ({@code aha.train.precision}). Master weights, gradients and AdamW moments are float32
 * either way.
 *
 * <ul>
 *   <li>{@code f32}: everything in float32.
 *   <li>{@code bf16-mixed}: the products against weights (every linear layer and the output head) in bfloat16, as
 *       PyTorch's autocast runs them: inputs and weights rounded to bfloat16, accumulated in float32, and the
 *       gradient flows back to the float32 weights through the rounding. Embeddings, norms, attention, softmax and
 *       the loss stay float32. The frozen KL reference (under LoRA, the frozen base) keeps its matrices in bfloat16.
 * </ul>
 */
public enum TrainPrecision {
    F32, BF16_MIXED;

    /** {@code f32} or {@code bf16-mixed}. */
    public static TrainPrecision parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "f32" -> F32;
            case "bf16-mixed" -> BF16_MIXED;
            default -> throw new IllegalArgumentException("aha.train.precision must be f32 or bf16-mixed, was '"
                    + value + "'");
        };
    }

    /**
     * The type the frozen KL reference stores its matrices in: bfloat16 under {@code bf16-mixed}, where its products
     * would round them anyway (and the bf16 copy is made once, not at every forward), float32 otherwise.
     */
    public DataType referenceType() {
        return this == BF16_MIXED ? DataType.BFLOAT16 : DataType.FLOAT32;
    }

    /** Turns this precision on for the products computed on this thread until the scope is closed. */
    public Autocast scope() {
        return Autocast.enter(this == BF16_MIXED);
    }

    @Override
    public String toString() {
        return this == F32 ? "f32" : "bf16-mixed";
    }
}
