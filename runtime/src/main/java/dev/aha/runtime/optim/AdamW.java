package dev.aha.runtime.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.ScriptKernels;
import dev.aha.runtime.policy.PolicyParameter;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW over the policy's parameters, written out so that its state is ours to checkpoint and its memory is ours
 * to scope. Per parameter w with gradient g at step t:
 *
 * <pre>
 *   m = b1 m + (1 - b1) g          v = b2 v + (1 - b2) g^2
 *   w -= lr * ( m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + wd * w )
 * </pre>
 *
 * Gradients are clipped to a global L2 norm first, then zeroed after the update (libtorch accumulates them). A step
 * whose gradient norm is not finite is skipped and counted.
 */
public final class AdamW implements AutoCloseable {

    private final AdamWSettings settings;
    private final List<PolicyParameter> parameters;
    private final NDManager state;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    /** Where each update's denominator goes: as large as the largest parameter, made once. */
    private final NDArray scratch;
    private long steps;
    private long skipped;

    public AdamW(List<PolicyParameter> parameters, AdamWSettings settings, NDManager parent) {
        this.settings = settings;
        this.parameters = parameters;
        this.state = parent.newSubManager();
        long largest = 1;
        for (PolicyParameter p : parameters) {
            firstMoments.add(state.zeros(p.shape()));
            secondMoments.add(state.zeros(p.shape()));
            largest = Math.max(largest, p.elementCount());
        }
        this.scratch = state.zeros(new Shape(largest));
    }

    public long steps() {
        return steps;
    }

    /** Updates skipped because the gradient was not finite. */
    public long skipped() {
        return skipped;
    }

    /** Zeroes a gradient in place by filling it: subtracting it from itself would keep a NaN. */
    private static void clear(NDArray gradient) {
        gradient.set(new NDIndex("..."), 0f);
    }

    /** Restores the step count (moments are restored through {@link #moments()}). */
    public void setSteps(long steps) {
        this.steps = steps;
    }

    /** First and second moments in parameter order, for checkpoints. */
    public List<NDArray> moments() {
        List<NDArray> all = new ArrayList<>(firstMoments);
        all.addAll(secondMoments);
        return all;
    }

    /**
     * Applies one update from the gradients accumulated on the parameters, then zeroes them.
     *
     * @return the global gradient norm before clipping
     */
    public float step() {
        ComputeThreads.stopRecording();
        steps++;
        try (NDManager scope = state.newSubManager()) {
            // Temporaries live in a scope per parameter and go as soon as that parameter is updated: a real model's
            // embedding alone is hundreds of MB per temporary, and holding every parameter's until the end of the
            // step would need several times the model's size. An op's result belongs to its first operand's
            // manager, so each parameter's arrays are lent to its scope (they return to their own when it closes).
            List<NDArray> grads = new ArrayList<>(parameters.size());
            double squares = 0;
            for (PolicyParameter p : parameters) {
                NDArray g = p.array().getGradient(); // a new handle on the gradient: closed with the step's scope
                g.attach(scope);
                grads.add(g);
                squares += ScriptKernels.number("squared_norm", g);
            }
            float norm = (float) Math.sqrt(squares);
            if (!Float.isFinite(norm)) {
                // A non-finite gradient would poison every weight it touches: skip the update (as mixed-precision
                // trainers skip inf/NaN steps), clear the gradients, and let the caller see NaN and count it.
                skipped++;
                grads.forEach(AdamW::clear);
                steps--;
                return norm;
            }
            float clip = settings.maxGradNorm() > 0 && norm > settings.maxGradNorm()
                    ? (float) (settings.maxGradNorm() / (norm + 1e-6)) : 1f;
            double correction1 = 1 - Math.pow(settings.beta1(), steps);
            double correction2 = 1 - Math.pow(settings.beta2(), steps);
            for (int i = 0; i < parameters.size(); i++) {
                NDArray w = parameters.get(i).array();
                // Decoupled decay on matrices only: norms' gains and biases keep their scale.
                double decay = w.getShape().dimension() >= 2 ? settings.weightDecay() : 0;
                // In place, as torch.optim.AdamW: w <- w (1 - lr wd) - lr/c1 * m / (sqrt(v)/sqrt(c2) + eps),
                // m <- lerp(m, g, 1 - b1), v <- b2 v + (1 - b2) g^2, then g <- 0.
                ScriptKernels.run("adamw_", w, grads.get(i), firstMoments.get(i), secondMoments.get(i), scratch,
                        (double) clip, settings.learningRate(), settings.beta1(), settings.beta2(), settings.eps(),
                        decay, correction1, correction2);
            }
            return norm;
        }
    }

    @Override
    public void close() {
        state.close();
    }
}
