package dev.aha.runtime.policy.hf;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.runtime.policy.WeightMath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * Moves one weight tensor's float32 bytes in and out of an NDArray in place. On the CPU the engine hands a view of
 * the tensor's own memory, so a load is one copy from the file and an export reads the weights without a copy; on
 * an accelerator (or another dtype) the bytes are staged through a temporary host array.
 */
public final class TensorBytes {

    private TensorBytes() {}

    /** Lets {@code fill} write the tensor's little-endian float32 bytes straight into {@code target}. */
    public static void fill(NDArray target, Consumer<ByteBuffer> fill) {
        if (isHostFloat32(target)) {
            fill.accept(target.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
            return;
        }
        long bytes = target.getShape().size() * Float.BYTES;
        ByteBuffer host = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(host.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        try (NDManager staging = target.getManager().newSubManager()) {
            NDArray staged = staging.create(host.asFloatBuffer(), target.getShape());
            WeightMath.assign(target, staged);
        }
    }

    /** Hands {@code source}'s values as little-endian float32 bytes to {@code use}, valid only during the call. */
    public static void read(NDArray source, Consumer<ByteBuffer> use) {
        if (isHostFloat32(source)) {
            use.accept(source.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
            return;
        }
        try (NDManager staging = source.getManager().newSubManager(Device.cpu())) {
            NDArray f32 = WeightMath.hostFloat32(source, staging);
            use.accept(f32.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    private static boolean isHostFloat32(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 && Device.Type.CPU.equals(a.getDevice().getDeviceType());
    }
}
