package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.llama.LlamaFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The learner's bf16-mixed precision: the same forward and gradients as float32, up to bfloat16's rounding. */
class MixedPrecisionTest {

    private static final int[] TOKENS = {5, 9, 14, 3, 7, 7, 21, 30, 12, 4, 4, 8, 19, 11, 3, 25};

    private NDManager base;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    private static PolicyFactory factory(String model) {
        return model.equals("gpt") ? new GptFactory(GptConfig.tiny(64)) : HfModel.open(LlamaFixtures.model(model), 32);
    }

    /** The mean log-prob of the sequence and every parameter's gradient, under {@code precision}. */
    private List<float[]> lossAndGradients(Policy policy, TrainPrecision precision) {
        List<float[]> out = new ArrayList<>();
        policy.setTrainable(true);
        try (NDManager scope = base.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector();
                Autocast ignored = precision.scope()) {
            NDArray tokens = scope.create(TOKENS, new Shape(2, TOKENS.length / 2));
            NDArray loss = policy.tokenLogProbs(tokens, 1f).mean().neg();
            collector.backward(loss);
            out.add(new float[] {loss.getFloat()});
        }
        for (PolicyParameter p : policy.parameters()) {
            try (NDArray g = p.array().getGradient()) {
                out.add(g.toFloatArray());
                g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "qwen3", "llama"})
    void mixedGradientsPointWhereFloat32sDo(String model) {
        try (Policy policy = factory(model).create(base)) {
            List<float[]> exact = lossAndGradients(policy, TrainPrecision.F32);
            List<float[]> mixed = lossAndGradients(policy, TrainPrecision.BF16_MIXED);
            float loss = exact.get(0)[0];
            assertEquals(loss, mixed.get(0)[0], 0.01 * Math.abs(loss), "the loss, to bfloat16's rounding");
            assertTrue(loss != mixed.get(0)[0], "bf16-mixed must round somewhere");
            for (int i = 1; i < exact.size(); i++) {
                double cosine = cosine(exact.get(i), mixed.get(i));
                String name = policy.parameters().get(i - 1).name();
                if (norm(exact.get(i)) > 1e-6) {
                    assertTrue(cosine > 0.99, name + ": cosine " + cosine);
                }
            }
        }
    }

    @Test
    void theScopeIsPerThreadAndRestoresWhatWasOn() {
        assertFalse(Autocast.bf16());
        try (Autocast outer = TrainPrecision.BF16_MIXED.scope()) {
            assertTrue(Autocast.bf16());
            try (Autocast inner = TrainPrecision.F32.scope()) {
                assertFalse(Autocast.bf16());
            }
            assertTrue(Autocast.bf16());
            boolean[] elsewhere = new boolean[1];
            Thread other = new Thread(() -> elsewhere[0] = Autocast.bf16());
            other.start();
            assertTrue(joined(other) && !elsewhere[0], "another thread is not autocast");
        }
        assertFalse(Autocast.bf16());
    }

    @Test
    void aPrecisionIsNamedInOneLine() {
        assertEquals(TrainPrecision.BF16_MIXED, TrainPrecision.parse("BF16-mixed"));
        assertEquals("bf16-mixed", TrainPrecision.BF16_MIXED.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainPrecision.parse("fp8"));
        assertEquals("aha.train.precision must be f32 or bf16-mixed, was 'fp8'", e.getMessage());
    }

    private static boolean joined(Thread t) {
        try {
            t.join();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float x : a) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }
}
