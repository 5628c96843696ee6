package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;

/**
 * Where a policy's linear layers find low-rank adapters (LoRA) to add to their outputs. The slot is empty unless a
 * {@link dev.aha.runtime.policy.lora.LoraPolicy} is computing through the policy, so a plain policy pays one null
 * check per linear layer and nothing else; and the same policy, called directly, is the base with adapters off.
 */
public final class AdapterSlot {

    /** What fills the slot: the term each adapted linear layer adds to its output. */
    @FunctionalInterface
    public interface Adapters {

        /**
         * {@code y} plus the adapter term of the linear layer whose weight is named {@code weight} (its name in the
         * policy's {@link ParameterLayout}), given that layer's input {@code x}; {@code y} itself for a layer without
         * an adapter. The result belongs to the manager of {@code y}.
         */
        NDArray add(String weight, NDArray x, NDArray y);
    }

    private Adapters current;

    /** {@code y} plus the adapter term of layer {@code weight}, or {@code y} when the slot is empty. */
    public NDArray add(String weight, NDArray x, NDArray y) {
        return current == null ? y : current.add(weight, x, y);
    }

    /** Whether no adapters are in the slot: every linear layer is the base's alone. */
    public boolean isEmpty() {
        return current == null;
    }

    /** Puts {@code adapters} in the slot for the calls that follow, until {@link #empty}. */
    public void fill(Adapters adapters) {
        current = adapters;
    }

    public void empty() {
        current = null;
    }
}
