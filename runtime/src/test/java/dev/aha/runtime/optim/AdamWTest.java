package dev.aha.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.PolicyParameter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AdamW against the update worked out by hand, in doubles, from its equations. */
class AdamWTest {

    private static final float[] W0 = {0.5f, -1.0f, 2.0f, 0.25f};
    private static final float[] B0 = {0.1f, -0.2f};

    private NDManager manager;
    private NDArray w;
    private NDArray b;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        manager = NDManager.newBaseManager();
        w = manager.create(W0.clone(), new Shape(2, 2));
        b = manager.create(B0.clone(), new Shape(2));
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** loss = sum(w * cw) + sum(b * cb): the gradients are cw and cb. */
    private void backward(float[] cw, float[] cb) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                NDManager scope = manager.newSubManager()) {
            NDArray loss = w.mul(scope.create(cw, new Shape(2, 2))).sum()
                    .add(b.mul(scope.create(cb, new Shape(2))).sum());
            collector.backward(loss);
        }
    }

    private static double[] expected(float[] w0, float[][] grads, double lr, double b1, double b2, double eps,
            double wd, double clip) {
        double[] w = new double[w0.length];
        double[] m = new double[w0.length];
        double[] v = new double[w0.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = w0[i];
        }
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < w.length; i++) {
                double g = grads[t - 1][i] * clip;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * (mHat / (Math.sqrt(vHat) + eps) + wd * w[i]);
            }
        }
        return w;
    }

    @Test
    void twoStepsFollowTheEquationsWithDecayOnMatricesOnly() {
        AdamWSettings settings = new AdamWSettings(0.01, 0.9, 0.95, 1e-8, 0.1, 0);
        float[][] gw = {{0.3f, -0.7f, 0.05f, 1.5f}, {-0.2f, 0.4f, 0.9f, -1.1f}};
        float[][] gb = {{0.6f, -0.1f}, {0.2f, 0.3f}};
        try (AdamW adam = new AdamW(List.of(new PolicyParameter("w", w.getShape(), w),
                new PolicyParameter("b", b.getShape(), b)), settings, manager)) {
            for (int step = 0; step < 2; step++) {
                backward(gw[step], gb[step]);
                adam.step();
            }
            assertClose(expected(W0, gw, 0.01, 0.9, 0.95, 1e-8, 0.1, 1), w.toFloatArray());
            assertClose(expected(B0, gb, 0.01, 0.9, 0.95, 1e-8, 0, 1), b.toFloatArray());
            assertEquals(0f, w.getGradient().abs().sum().getFloat(), "gradients are zeroed after the step");
            assertEquals(2, adam.steps());
        }
    }

    @Test
    void theGlobalNormIsReportedAndClippedTo() {
        AdamWSettings settings = new AdamWSettings(0.01, 0.9, 0.95, 1e-8, 0, 1.0);
        float[] gw = {3f, 0f, 0f, 0f};
        float[] gb = {0f, 4f};
        try (AdamW adam = new AdamW(List.of(new PolicyParameter("w", w.getShape(), w),
                new PolicyParameter("b", b.getShape(), b)), settings, manager)) {
            backward(gw, gb);
            assertEquals(5f, adam.step(), 1e-5f, "the norm before clipping");
            double clip = 1.0 / (5 + 1e-6);
            assertClose(expected(W0, new float[][] {gw}, 0.01, 0.9, 0.95, 1e-8, 0, clip), w.toFloatArray());
            assertClose(expected(B0, new float[][] {gb}, 0.01, 0.9, 0.95, 1e-8, 0, clip), b.toFloatArray());
        }
    }

    @Test
    void aNonFiniteGradientSkipsTheStepAndClearsIt() {
        AdamWSettings settings = new AdamWSettings(0.01, 0.9, 0.95, 1e-8, 0.1, 1.0);
        try (AdamW adam = new AdamW(List.of(new PolicyParameter("w", w.getShape(), w)), settings, manager)) {
            backward(new float[] {Float.NaN, 0f, 0f, 0f}, new float[] {0f, 0f});
            assertTrue(Float.isNaN(adam.step()));
            assertEquals(1, adam.skipped());
            assertEquals(0, adam.steps());
            assertClose(new double[] {W0[0], W0[1], W0[2], W0[3]}, w.toFloatArray());
            assertEquals(0f, w.getGradient().abs().sum().getFloat(), "the NaN is cleared, not kept");
        }
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, "element " + i);
        }
    }
}
