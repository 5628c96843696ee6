package dev.aha.runtime.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * Products against float16 weights for many rows at once.
 *
 * <p>libtorch has no fast float16 matrix product on a CPU without AVX-512 FP16: it converts inside the kernel, at
 * about a tenth of the float32 peak. For a few rows that does not matter (the product is bound by reading the weight,
 * and float16 reads half the bytes); for a batch of sequences it does. So from {@link #WIDEN_FROM_ROWS} rows on, a
 * product widens the weight to float32 (exact) a slice at a time into a scratch buffer the thread keeps, multiplies
 * in float32 and rounds the result to float16: the narrow copy keeps its memory and its one-row speed, and a batch
 * runs near the float32 peak. Both paths take the float16 values exactly, sum in float32 and round the result to
 * float16: they differ only in the order of the sums.
 *
 * <p>The scratch buffer ({@value #SCRATCH_ELEMENTS} floats) belongs to the weight's manager, so it is freed with the
 * policy; a fresh buffer per product would be mapped and page-faulted anew every time (the head alone is hundreds of
 * MB). Temporaries are closed before returning; the result is made in {@code x}'s manager.
 */
public final class Float16 {

    /**
     * Rows from which widening pays: below it the narrow kernel's compute costs less than a pass over the weight in
     * float32 (at the 0.5B shape they meet near 5 rows; {@code aha bench rollout} measures both).
     */
    public static final int WIDEN_FROM_ROWS = 6;

    /** The scratch buffer's size: the largest slice of a weight widened at once. */
    static final long SCRATCH_ELEMENTS = 1L << 23;

    private static final ThreadLocal<NDArray> SCRATCH = new ThreadLocal<>();

    private Float16() {}

    /** Whether a product of {@code x} against {@code weight} takes the widened path. */
    public static boolean widens(NDArray x, NDArray weight) {
        return weight.getDataType() == DataType.FLOAT16 && rows(x) >= WIDEN_FROM_ROWS;
    }

    /** nn.Linear against a float16 weight stored [out, in]: x W^T (+ b), computed in float32, float16 out. */
    public static NDArray widenedLinear(NDArray x, NDArray weight, NDArray bias) {
        return widened(x, weight, bias, 0);
    }

    /** x W against a float16 weight stored [in, out], computed in float32, float16 out. */
    public static NDArray widenedMatMul(NDArray x, NDArray weight) {
        return widened(x, weight, null, 1);
    }

    /** The product against {@code weight} in slices along {@code outAxis} (0: [out, in], 1: [in, out]). */
    private static NDArray widened(NDArray x, NDArray weight, NDArray bias, int outAxis) {
        Shape shape = weight.getShape();
        long out = shape.get(outAxis);
        long in = shape.get(1 - outAxis);
        long slice = Math.max(1, Math.min(out, SCRATCH_ELEMENTS / in));
        NDArray scratch = scratch(weight.getManager());
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray x32 = x.toType(DataType.FLOAT32, false);
            x32.attach(scope);
            NDList parts = new NDList();
            for (long a = 0; a < out; a += slice) {
                long b = Math.min(out, a + slice);
                NDArray w = weight;
                if (b - a != out) {
                    w = weight.get(outAxis == 0 ? new NDIndex("{}:{}", a, b) : new NDIndex(":, {}:{}", a, b));
                    w.attach(scope);
                }
                NDArray flat = scratch.get(new NDIndex(":{}", w.size()));
                flat.attach(scope);
                NDArray w32 = flat.reshape(w.getShape());
                w32.attach(scope);
                ScriptKernels.run("copy_into", w32, w);
                NDArray y = outAxis == 0 ? Linear.linear(x32, w32, null).singletonOrThrow() : x32.matMul(w32);
                y.attach(scope);
                parts.add(y);
            }
            NDArray y32 = parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, -1);
            y32.attach(scope);
            if (bias != null) {
                NDArray b32 = bias.toType(DataType.FLOAT32, false);
                b32.attach(scope);
                y32 = y32.add(b32);
                y32.attach(scope);
            }
            NDArray y16 = y32.toType(DataType.FLOAT16, false);
            y16.attach(x.getManager());
            return y16;
        }
    }

    /** This thread's scratch buffer in {@code owner} (made again when the last one's manager was another, or closed). */
    private static NDArray scratch(NDManager owner) {
        NDArray s = SCRATCH.get();
        if (s == null || s.isReleased() || s.getManager() != owner) {
            s = owner.create(new Shape(SCRATCH_ELEMENTS), DataType.FLOAT32);
            SCRATCH.set(s);
        }
        return s;
    }

    private static long rows(NDArray x) {
        long last = x.getShape().tail();
        return last == 0 ? 0 : x.size() / last;
    }
}
