package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** One named weight tensor of the policy, in its place in the flat layout. */
public record PolicyParameter(String name, Shape shape, NDArray array) {

    public long elementCount() {
        return shape.size();
    }
}
