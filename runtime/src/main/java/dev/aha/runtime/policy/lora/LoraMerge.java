package dev.aha.runtime.policy.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.hf.TensorBytes;

/**
 * An adapted policy as one set of weights in its base's layout: W + s B A on every adapted layer (its transpose for
 * a weight stored input-major), the base's own weights elsewhere. This is what PEFT's merge_and_unload computes.
 */
public final class LoraMerge {

    private LoraMerge() {}

    /**
     * The merged weights as a flat float32 image in the base's layout, in new memory; the base is left as it was.
     * What a rollout that knows nothing of adapters samples from.
     */
    public static FlatWeights merged(LoraPolicy policy) {
        ComputeThreads.stopRecording(); // A and B record gradients: the deltas must not
        Policy base = policy.base();
        ParameterLayout layout = base.layout();
        FlatWeights flat = base.exportWeights();
        long[] offsets = offsets(layout);
        for (LinearModule m : policy.adapters().modules()) {
            int i = layout.indexOf(m.weight());
            try (NDManager scope = base.manager().newSubManager()) {
                NDArray merged = policy.adapters().delta(m, scope).add(base.parameters().get(i).array());
                long[] at = {offsets[i]};
                TensorBytes.read(merged, bytes -> { // in pieces when past one buffer: each goes on where the last ended
                    long here = at[0];
                    at[0] += bytes.remaining();
                    flat.put(here, bytes);
                });
            }
        }
        return flat;
    }

    /**
     * Adds every adapter's delta into its base weight, in place, and returns the base, now the merged model (for
     * export). The adapted policy is spent: its adapters would count twice.
     */
    public static Policy mergeIntoBase(LoraPolicy policy) {
        ComputeThreads.stopRecording();
        Policy base = policy.base();
        for (LinearModule m : policy.adapters().modules()) {
            NDArray w = base.parameters().get(base.layout().indexOf(m.weight())).array();
            try (NDManager scope = base.manager().newSubManager()) {
                w.addi(policy.adapters().delta(m, scope));
            }
        }
        return base;
    }

    /** Byte offset of each tensor in the flat image. */
    private static long[] offsets(ParameterLayout layout) {
        long[] offsets = new long[layout.size()];
        long at = 0;
        for (int i = 0; i < layout.size(); i++) {
            offsets[i] = at;
            at += layout.shapes().get(i).size() * Float.BYTES;
        }
        return offsets;
    }
}
