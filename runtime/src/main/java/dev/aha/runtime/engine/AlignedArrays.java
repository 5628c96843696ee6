package dev.aha.runtime.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Float arrays from Java in libtorch's own memory. {@code NDManager.create(float[])} leaves the values in a direct
 * buffer that the tensor wraps, aligned however malloc placed it, and MKL's kernels may round differently with the
 * alignment of their operands: two {@code aha sft --seed 1} runs in one JVM wrote different weights after a few dozen
 * steps. A copy lands in libtorch's allocator, 64-byte aligned every time. It takes this and MKL's strict
 * reproducibility mode (MKL_CBWR, set by the launcher) together: each alone still let the runs drift apart.
 */
public final class AlignedArrays {

    private AlignedArrays() {}

    /** The values as a tensor of {@code shape} in libtorch's allocator, owned by {@code manager}. */
    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        try (NDArray staged = manager.create(values, shape)) {
            return staged.duplicate();
        }
    }
}
