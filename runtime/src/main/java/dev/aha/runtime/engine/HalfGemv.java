package dev.aha.runtime.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;

/**
 * Products of one row of float16 activations with float16 weights, through {@link NativeKernels}' loop: the products
 * of a one-row step that {@link HalfSequenceStep} does not take whole (LoRA adapters in the slot, a step through a
 * shared-position cache), and a prompt's last output head. libtorch's float16 matrix-vector product reads its
 * weights at a fraction of the memory bandwidth on some CPUs (oneDNN's matmul with N = 1 where AVX-512 FP16 is
 * present); this one streams each weight row once, sums in float32 and rounds each output once to float16, as
 * libtorch's own loop does.
 *
 * <p>Besides x W^T (+ b) ({@link #linear}), one call can take what surrounds a decoder layer's input products, each
 * step rounded as the separate ops round it: the RMS norm before them and several weights against the same row
 * ({@link #normLinear}: q, k and v), or the norm and the SwiGLU gate after gate and up ({@link #normGated}). A decode
 * step of one sequence is as much bound by the count of small ops as by reading the weights.
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
        return oneRow(x, weight) && (bias == null || isHalfVector(bias, weight.getShape().get(0)))
                && !JniUtils.isGradMode();
    }

    /** Whether {@link #normLinear} and {@link #normGated} take x, a norm weight and these weights. */
    public static boolean appliesNormed(NDArray x, NDArray norm, NDArray... weights) {
        long cols = x.getShape().get(x.getShape().dimension() - 1);
        if (!isHalfVector(norm, cols)) {
            return false;
        }
        for (NDArray w : weights) {
            if (!oneRow(x, w)) {
                return false;
            }
        }
        return !JniUtils.isGradMode();
    }

    /**
     * x W^T (+ b) with W stored [out, in], for arrays {@link #applies} accepts; the result is float16, x's shape with
     * the last axis {@code out}, in x's manager.
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return products(x, null, 0f, new NDArray[] {weight}, new NDArray[] {bias}, false);
    }

    /**
     * n = rmsNorm(x) * norm, then n W_i^T (+ b_i) for each weight, stacked along the last axis (q, k and v in one
     * call): x's shape with the last axis the sum of the weights' rows. {@code biases} holds one entry per weight,
     * null where it has none. For arrays {@link #appliesNormed} accepts.
     */
    public static NDArray normLinear(NDArray x, NDArray norm, float eps, NDArray[] weights, NDArray[] biases) {
        return products(x, norm, eps, weights, biases, false);
    }

    /**
     * n = rmsNorm(x) * norm, then silu(n G^T) * (n U^T), the input of a SwiGLU MLP's down projection. For arrays
     * {@link #appliesNormed} accepts.
     */
    public static NDArray normGated(NDArray x, NDArray norm, float eps, NDArray gate, NDArray up) {
        return products(x, norm, eps, new NDArray[] {gate, up}, new NDArray[] {null, null}, true);
    }

    private static NDArray products(NDArray x, NDArray norm, float eps, NDArray[] weights, NDArray[] biases,
            boolean gated) {
        int cols = Math.toIntExact(weights[0].getShape().get(1));
        long out = 0;
        ByteBuffer[] w = new ByteBuffer[weights.length];
        ByteBuffer[] b = new ByteBuffer[weights.length];
        for (int i = 0; i < weights.length; i++) {
            if (weights[i].getShape().get(1) != cols
                    || (biases[i] != null && biases[i].size() != weights[i].getShape().get(0))) {
                throw new IllegalArgumentException("weights of " + cols + " columns and one bias value per row "
                        + "expected, got " + weights[i].getShape() + (biases[i] == null ? "" : " and "
                        + biases[i].getShape()));
            }
            w[i] = view(weights[i]);
            b[i] = biases[i] == null ? null : view(biases[i]);
            out += gated && i > 0 ? 0 : weights[i].getShape().get(0);
        }
        Shape shape = x.getShape().slice(0, x.getShape().dimension() - 1).add(out);
        NDArray y = x.getManager().create(shape, DataType.FLOAT16);
        int status = NativeKernels.halfProducts(view(x), norm == null ? null : view(norm), eps, w, b, view(y), cols,
                gated);
        if (status != 0) {
            y.close(); // only native memory running out gets here: the checks above rule out every other refusal
            throw new IllegalStateException("the native float16 product failed (out of native memory?)");
        }
        return y;
    }

    private static boolean oneRow(NDArray x, NDArray weight) {
        if (!NativeKernels.available() || weight.getDataType() != DataType.FLOAT16
                || x.getDataType() != DataType.FLOAT16) {
            return false;
        }
        Shape w = weight.getShape();
        Shape xs = x.getShape();
        if (w.dimension() != 2 || xs.dimension() == 0 || xs.get(xs.dimension() - 1) != w.get(1)
                || xs.size() != w.get(1)) {
            return false;
        }
        return Device.Type.CPU.equals(weight.getDevice().getDeviceType())
                && Device.Type.CPU.equals(x.getDevice().getDeviceType());
    }

    private static boolean isHalfVector(NDArray a, long size) {
        return a.getDataType() == DataType.FLOAT16 && a.size() == size
                && Device.Type.CPU.equals(a.getDevice().getDeviceType());
    }

    /**
     * The array's memory: its own when contiguous, else that of a contiguous copy DJL makes in the array's manager
     * (so it lives as long as the array's scope).
     */
    static ByteBuffer view(NDArray a) {
        return ((PtNDArray) a).toByteBuffer(true);
    }
}
