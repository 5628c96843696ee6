package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The additive mask of causal attention. */
public final class CausalMask {

    private CausalMask() {}

    /**
     * T new queries at positions offset.. against offset+T keys: query i sees keys up to offset+i; the others get
     * {@code fill} (a large negative score), in {@code scope}.
     */
    public static NDArray of(NDManager scope, int t, int offset, float fill) {
        int s = offset + t;
        float[] mask = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = offset + i + 1; j < s; j++) {
                mask[i * s + j] = fill;
            }
        }
        return scope.create(mask, new Shape(t, s));
    }
}
