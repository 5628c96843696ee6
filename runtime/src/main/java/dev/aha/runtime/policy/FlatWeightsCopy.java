package dev.aha.runtime.policy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.protocol.weights.FlatWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Moves a policy's weights to and from the flat float32 image, tensor by tensor, for every architecture. */
final class FlatWeightsCopy {

    private FlatWeightsCopy() {}

    static FlatWeights export(Policy policy) {
        FlatWeights flat = FlatWeights.allocate(policy.layout().totalBytes());
        long offset = 0;
        for (PolicyParameter p : policy.parameters()) {
            NDArray a = p.array();
            if (isHostFloat32(a)) {
                ByteBuffer bytes = a.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
                offset += bytes.remaining();
                flat.put(offset - bytes.remaining(), bytes);
            } else {
                try (NDManager staging = policy.manager().newSubManager(Device.cpu())) {
                    NDArray f32 = WeightMath.hostFloat32(a, staging);
                    ByteBuffer bytes = f32.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
                    offset += bytes.remaining();
                    flat.put(offset - bytes.remaining(), bytes);
                }
            }
        }
        return flat;
    }

    static void importInto(Policy policy, FlatWeights flat) {
        if (flat.size() != policy.layout().totalBytes()) {
            throw new IllegalArgumentException("flat weight image has " + flat.size() + " bytes, the "
                    + policy.architecture() + " layout needs " + policy.layout().totalBytes());
        }
        NDManager manager = policy.manager();
        long offset = 0;
        for (PolicyParameter p : policy.parameters()) {
            int n = Math.toIntExact(p.elementCount() * Float.BYTES);
            if (isHostFloat32(p.array())) {
                // On the CPU the engine hands a view of the tensor's own memory: one copy, no allocation.
                flat.get(offset, p.array().toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
            } else {
                // On an accelerator (or in another dtype) stage the float32 bytes and copy them across.
                try (NDManager staging = manager.newSubManager()) {
                    ByteBuffer host = ByteBuffer.allocateDirect(n).order(ByteOrder.LITTLE_ENDIAN);
                    flat.get(offset, host.duplicate());
                    NDArray staged = staging.create(host.asFloatBuffer(), p.shape());
                    WeightMath.assign(p.array(), staged);
                }
            }
            offset += n;
        }
    }

    private static boolean isHostFloat32(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 && Device.Type.CPU.equals(a.getDevice().getDeviceType());
    }
}
