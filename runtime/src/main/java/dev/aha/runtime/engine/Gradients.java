package dev.aha.runtime.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * What DJL does not say about a weight's gradient. libtorch leaves a gradient undefined until a backward pass first
 * reaches its tensor, and DJL's {@code getGradient()} then hands out fresh zeros that are not the gradient: whatever
 * is added to them is lost. Code that adds to a gradient in place must know which case it is in.
 */
public final class Gradients {

    private Gradients() {}

    /** Whether libtorch holds a gradient for {@code weight}, so that {@code getGradient()} is a view of it. */
    public static boolean held(NDArray weight) {
        PtNDArray gradient = JniUtils.getGradient((PtNDArray) weight);
        if (gradient == null) {
            return false;
        }
        gradient.close();
        return true;
    }
}
