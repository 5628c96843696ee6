package dev.aha.runtime.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;

/**
 * x W^T (+ b) for one row of float16 activations against a float16 weight, through {@link NativeKernels}' loop: the
 * product of every decode step of one sequence. libtorch's float16 matrix-vector product reads its weights at a
 * fraction of the memory bandwidth on some CPUs (oneDNN's matmul with N = 1 where AVX-512 FP16 is present); this one
 * streams each weight row once, sums in float32 and rounds each output once to float16, as libtorch's own loop does.
 *
 * <p>The rows are shared among libtorch's own OpenMP threads, as many as the calling thread's intra-op setting
 * ({@link ComputeThreads#prepare}); a row is always summed by one thread in one order, so results do not depend on
 * the thread count. Only without autograd: a product that records gradients stays with libtorch.
 */
public final class HalfGemv {

    private HalfGemv() {}

    /**
     * Whether {@link #linear} computes x W^T (+ b): the kernels are loaded, x is one row (any leading shape of size
     * 1) and everything is float16 on the CPU, and this thread records no gradients.
     */
    public static boolean applies(NDArray x, NDArray weight, NDArray bias) {
        if (!NativeKernels.available() || weight.getDataType() != DataType.FLOAT16
                || x.getDataType() != DataType.FLOAT16 || (bias != null && bias.getDataType() != DataType.FLOAT16)) {
            return false;
        }
        Shape w = weight.getShape();
        Shape xs = x.getShape();
        if (w.dimension() != 2 || xs.dimension() == 0 || xs.get(xs.dimension() - 1) != w.get(1) || xs.size() != w.get(1)
                || (bias != null && bias.size() != w.get(0))) {
            return false;
        }
        return Device.Type.CPU.equals(weight.getDevice().getDeviceType())
                && Device.Type.CPU.equals(x.getDevice().getDeviceType()) && !JniUtils.isGradMode();
    }

    /**
     * x W^T (+ b) with W stored [out, in], for arrays {@link #applies} accepts; the result is float16, x's shape with
     * the last axis {@code out}, in x's manager. Falls back to libtorch for an array whose memory is not contiguous.
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        int rows = Math.toIntExact(weight.getShape().get(0));
        int cols = Math.toIntExact(weight.getShape().get(1));
        ByteBuffer w = direct(weight);
        ByteBuffer in = direct(x);
        ByteBuffer b = bias == null ? null : direct(bias);
        if (w == null || in == null || (bias != null && b == null)) {
            return libtorch(x, weight, bias);
        }
        Shape shape = x.getShape().slice(0, x.getShape().dimension() - 1).add(rows);
        NDArray y = x.getManager().create(shape, DataType.FLOAT16);
        ByteBuffer out = direct(y);
        if (out == null) {
            y.close();
            return libtorch(x, weight, bias);
        }
        if (NativeKernels.halfGemv(w, in, b, out, rows, cols) != 0) {
            y.close();
            return libtorch(x, weight, bias);
        }
        return y;
    }

    /** The array's memory, when it is one contiguous block on the CPU; else null. */
    private static ByteBuffer direct(NDArray a) {
        ByteBuffer buffer = ((PtNDArray) a).toByteBuffer(true);
        return buffer.isDirect() ? buffer : null;
    }

    private static NDArray libtorch(NDArray x, NDArray weight, NDArray bias) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }
}
