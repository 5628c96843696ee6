package dev.aha.runtime.policy;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.policy.hf.TensorBytes;

/**
 * Moves a policy's weights to and from the flat float32 image, tensor by tensor, for every architecture: in place on
 * the CPU, staged on an accelerator, and a tensor past one buffer's size in pieces ({@link TensorBytes}).
 */
final class FlatWeightsCopy {

    private FlatWeightsCopy() {}

    static FlatWeights export(Policy policy) {
        FlatWeights flat = FlatWeights.allocate(policy.layout().totalBytes());
        long[] offset = {0};
        for (PolicyParameter p : policy.parameters()) {
            TensorBytes.read(p.array(), bytes -> {
                long at = offset[0];
                offset[0] += bytes.remaining();
                flat.put(at, bytes);
            });
        }
        return flat;
    }

    static void importInto(Policy policy, FlatWeights flat) {
        if (flat.size() != policy.layout().totalBytes()) {
            throw new IllegalArgumentException("flat weight image has " + flat.size() + " bytes, the "
                    + policy.architecture() + " layout needs " + policy.layout().totalBytes());
        }
        long offset = 0;
        for (PolicyParameter p : policy.parameters()) {
            long start = offset;
            TensorBytes.fill(p.array(), (first, piece) -> flat.get(start + first * Float.BYTES, piece));
            offset += p.elementCount() * Float.BYTES;
        }
    }
}
