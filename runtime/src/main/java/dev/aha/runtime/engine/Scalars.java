package dev.aha.runtime.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe under autograd. DJL's {@code x.mul(2f)}, {@code x.div(n)} and
 * {@code x.clip(lo, hi)} wrap the constant in a tensor over a Java direct buffer and close it as soon as the op
 * returns; but mul, div and clamp keep that tensor for the backward pass, and once the garbage collector has freed
 * the buffer its memory may hold anything by the time the backward runs. The gradient then comes out scaled by
 * garbage: rarely (a collection must fall between the forward and the backward, and the memory be reused), so runs
 * with the same seed drifted apart after a few hundred steps. Here the constant is copied into libtorch's own memory,
 * which the autograd graph keeps alive for as long as it needs it.
 */
public final class Scalars {

    private Scalars() {}

    /** {@code x * c}. */
    public static NDArray times(NDArray x, double c) {
        try (NDArray constant = constant(x.getManager(), c)) {
            return x.mul(constant);
        }
    }

    /** {@code x / c}. */
    public static NDArray dividedBy(NDArray x, double c) {
        try (NDArray constant = constant(x.getManager(), c)) {
            return x.div(constant);
        }
    }

    /**
     * {@code x} clipped to {@code [lo, hi]}, as max(min(x, hi), lo). Its gradient is clamp's except where x equals a
     * bound exactly, where it is halved.
     */
    public static NDArray clip(NDArray x, double lo, double hi) {
        try (NDArray low = constant(x.getManager(), lo); NDArray high = constant(x.getManager(), hi)) {
            return x.maximum(low).minimum(high);
        }
    }

    /** A float32 scalar tensor in libtorch's memory, owned by {@code manager}. */
    public static NDArray constant(NDManager manager, double c) {
        return AlignedArrays.of(manager, new float[] {(float) c}, new Shape());
    }
}
