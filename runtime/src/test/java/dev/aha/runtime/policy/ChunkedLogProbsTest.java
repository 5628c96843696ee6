package dev.aha.runtime.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.engine.Autocast;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.Scalars;
import dev.aha.runtime.engine.TrainPrecision;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.llama.LlamaFixtures;
import dev.aha.runtime.support.Engines;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The output head in chunks against the whole logits through autograd, on the three head layouts: the GPT's [d, V],
 * llama's untied lm_head [V, d] and qwen3's head tied to its embedding. Chunks of 4 rows over 18 scored positions
 * and vocabulary slices that do not divide the vocabulary, at temperature 0.7.
 */
class ChunkedLogProbsTest {

    private static final int BATCH = 3;
    private static final int LENGTH = 9;
    private static final int FROM = 2;
    private static final int ROWS = BATCH * (LENGTH - 1 - FROM);
    private static final float TEMPERATURE = 0.7f;

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

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "llama", "qwen3"})
    void shouldComputeTheLogProbsOfTheWholeLogits(String model) {
        try (Policy policy = policy(model); NDManager scope = base.newSubManager()) {
            NDArray tokens = tokens(scope, policy.vocabSize());
            ChunkedLogProbs chunks = fourRows(policy);
            assertEquals(4, chunks.rowsPerChunk(policy.vocabSize()));
            for (int from : new int[] {0, FROM}) {
                for (float t : new float[] {1f, TEMPERATURE}) {
                    assertClose(whole(policy, tokens, t, from).toFloatArray(),
                            chunks.compute(policy, tokens, t, from).toFloatArray(), 1e-5, model + " T " + t);
                }
            }
            assertEquals(new Shape(BATCH, LENGTH - 1 - FROM), policy.tokenLogProbs(tokens, 1f, FROM).getShape());
        }
    }

    /**
     * Every parameter's gradient equals autograd's over the whole logits; a second backward adds to the gradients
     * (the head's included, which the first had to define: an untied head is outside autograd here).
     */
    @ParameterizedTest
    @ValueSource(strings = {"gpt", "llama", "qwen3"})
    void shouldAccumulateTheGradientsOfTheWholeLogits(String model) {
        try (Policy chunked = policy(model); Policy whole = policy(model); NDManager scope = base.newSubManager()) {
            chunked.setTrainable(true);
            whole.setTrainable(true);
            NDArray tokens = tokens(scope, chunked.vocabSize());
            Function<NDArray, NDArray> loss = lossOf(scope);
            ChunkedLogProbs chunks = fourRows(chunked);
            long hidden = chunked.outputHeadWeight().orElseThrow().hiddenSize();
            int columns = chunks.columnsPerSlice(ROWS, hidden, chunked.vocabSize());
            assertTrue(columns < chunked.vocabSize() && chunked.vocabSize() % columns != 0, "columns " + columns);
            for (int round = 0; round < 2; round++) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    TrainingLogProbs recorded = chunks.record(chunked, tokens, TEMPERATURE, FROM);
                    assertInstanceOf(SlicedHeadBackward.class, recorded);
                    recorded.backward(collector, loss.apply(recorded.logProbs()));
                }
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(Scalars.times(loss.apply(whole(whole, tokens, TEMPERATURE, FROM)), 2));
            }
            for (int i = 0; i < whole.parameters().size(); i++) {
                PolicyParameter p = whole.parameters().get(i);
                float[] expected = p.array().getGradient().toFloatArray();
                float[] actual = chunked.parameters().get(i).array().getGradient().toFloatArray();
                assertTrue(max(expected) > 0, model + " " + p.name() + " got no gradient");
                assertClose(expected, actual, 1e-5 * max(expected), model + " " + p.name());
            }
        }
    }

    /**
     * Under the learner's bf16-mixed precision the head's products run in bfloat16 in the chunks too: the gradients
     * are the whole logits' under bf16-mixed, to bfloat16's rounding (autocast rounds dH once, the slices once each).
     */
    @ParameterizedTest
    @ValueSource(strings = {"gpt", "llama", "qwen3"})
    void shouldRoundTheHeadsProductsToBfloat16UnderMixedPrecision(String model) {
        try (Policy chunked = policy(model); Policy whole = policy(model); Policy exact = policy(model);
                NDManager scope = base.newSubManager()) {
            NDArray tokens = tokens(scope, chunked.vocabSize());
            Function<NDArray, NDArray> loss = lossOf(scope);
            ChunkedLogProbs chunks = fourRows(chunked);
            for (Policy p : List.of(chunked, whole, exact)) {
                p.setTrainable(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                        Autocast ignored = (p == exact ? TrainPrecision.F32 : TrainPrecision.BF16_MIXED).scope()) {
                    TrainingLogProbs recorded = (p == chunked ? chunks : new ChunkedLogProbs(Long.MAX_VALUE))
                            .record(p == chunked ? p : new WholeLogitsPolicy(p), tokens, TEMPERATURE, FROM);
                    recorded.backward(collector, loss.apply(recorded.logProbs()));
                }
            }
            for (int i = 0; i < whole.parameters().size(); i++) {
                String name = model + " " + whole.parameters().get(i).name();
                float[] mixed = whole.parameters().get(i).array().getGradient().toFloatArray();
                float[] f32 = exact.parameters().get(i).array().getGradient().toFloatArray();
                float[] actual = chunked.parameters().get(i).array().getGradient().toFloatArray();
                // measured: at most 1.3e-2 of the largest entry, as far as bf16-mixed is from float32 (up to 3.4e-2)
                assertClose(mixed, actual, 0.03 * max(mixed), name);
                if (chunked.outputHeadWeight().orElseThrow().weight() == chunked.parameters().get(i).array()
                        && !model.equals("qwen3")) {
                    // the head's own gradient is one bfloat16 product per slice, as autocast's over the whole
                    assertClose(mixed, actual, 1e-5 * max(mixed), name);
                    assertTrue(worst(f32, actual) > 1e-3 * max(mixed), name + " must be rounded to bfloat16");
                }
            }
        }
    }

    private static double worst(float[] a, float[] b) {
        double w = 0;
        for (int i = 0; i < a.length; i++) {
            w = Math.max(w, Math.abs(a[i] - b[i]));
        }
        return w;
    }

    /** A policy that does not expose its head weight takes the whole logits through autograd. */
    @Test
    void shouldTakeTheWholeLogitsThroughAutogradWhenTheHeadIsNotExposed() {
        try (Policy policy = policy("gpt"); NDManager scope = base.newSubManager()) {
            policy.setTrainable(true);
            NDArray tokens = tokens(scope, policy.vocabSize());
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                TrainingLogProbs recorded = fourRows(policy).record(new WholeLogitsPolicy(policy), tokens, 1f, FROM);
                assertInstanceOf(TrainingLogProbs.ThroughLogits.class, recorded);
                recorded.backward(collector, lossOf(scope).apply(recorded.logProbs()));
            }
            assertTrue(max(policy.parameters().get(0).array().getGradient().toFloatArray()) > 0);
        }
    }

    @Test
    void shouldLeaveNoArrayBehind() {
        try (Policy policy = policy("qwen3")) {
            policy.setTrainable(true);
            ChunkedLogProbs chunks = fourRows(policy);
            int before = -1;
            for (int i = 0; i < 3; i++) {
                try (NDManager scope = base.newSubManager()) {
                    NDArray tokens = tokens(scope, policy.vocabSize());
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        TrainingLogProbs recorded = chunks.record(policy, tokens, TEMPERATURE, FROM);
                        recorded.backward(collector, lossOf(scope).apply(recorded.logProbs()));
                    }
                    ComputeThreads.stopRecording();
                    chunks.compute(policy, tokens, TEMPERATURE, FROM);
                }
                if (i == 0) {
                    before = Engines.liveArrays(base);
                }
            }
            assertEquals(before, Engines.liveArrays(base));
        }
    }

    @Test
    void shouldRefuseAnEmptyBudgetAndAColumnOutsideTheSequence() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkedLogProbs(0));
        try (Policy policy = policy("gpt"); NDManager scope = base.newSubManager()) {
            NDArray tokens = tokens(scope, policy.vocabSize());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fourRows(policy).compute(policy, tokens, 1f, LENGTH - 1));
            assertEquals("fromColumn 8 outside [0, 8)", e.getMessage());
        }
    }

    @Test
    void shouldKeepChunksWithinTheLogitsBudget() {
        assertEquals(ChunkedLogProbs.DEFAULT_CHUNK_BYTES, ChunkedLogProbs.within(256L << 20).chunkBytes());
        assertEquals(1000, ChunkedLogProbs.within(1000).chunkBytes());
        ChunkedLogProbs qwen = new ChunkedLogProbs(ChunkedLogProbs.DEFAULT_CHUNK_BYTES);
        assertEquals(27, qwen.rowsPerChunk(151_936)); // 16 MiB / (151,936 x 4 bytes)
        assertEquals(10_922, qwen.columnsPerSlice(384, 128, 151_936)); // 384 rows of logits
        assertEquals(4_681, qwen.columnsPerSlice(384, 896, 151_936)); // the head's gradient, 896 wide
        assertEquals(1, new ChunkedLogProbs(1).columnsPerSlice(384, 896, 151_936));
    }

    /** log_softmax(head(hidden) / T) gathered, as one array: what tokenLogProbs computed before chunks. */
    private static NDArray whole(Policy policy, NDArray tokens, float temperature, int from) {
        long t = tokens.getShape().get(1);
        NDArray logits = policy.outputHead(policy.hiddenStates(tokens).get(new NDIndex(":, {}:{}, :", from, t - 1)));
        if (temperature != 1f) {
            logits = Scalars.dividedBy(logits, temperature);
        }
        NDArray next = tokens.get(new NDIndex(":, {}:", from + 1)).toType(DataType.INT64, false);
        return logits.logSoftmax(-1).gather(next.expandDims(-1), -1).squeeze(-1);
    }

    /** A loss whose gradient differs per token, zero on some (as a mask makes it). */
    private static Function<NDArray, NDArray> lossOf(NDManager scope) {
        Random rng = new Random(11);
        float[] a = new float[ROWS];
        float[] b = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            a[i] = i % 5 == 0 ? 0 : (float) rng.nextGaussian();
            b[i] = i % 5 == 0 ? 0 : (float) rng.nextGaussian();
        }
        NDArray weightA = scope.create(a, new Shape(BATCH, ROWS / BATCH));
        NDArray weightB = scope.create(b, new Shape(BATCH, ROWS / BATCH));
        return logProbs -> logProbs.exp().mul(weightA).add(logProbs.mul(weightB)).sum();
    }

    private static ChunkedLogProbs fourRows(Policy policy) {
        return new ChunkedLogProbs(4L * policy.vocabSize() * Float.BYTES);
    }

    private Policy policy(String model) {
        return model.equals("gpt") ? GptPolicy.create(GptConfig.tiny(37), base)
                : HfModel.open(LlamaFixtures.model(model), 64).create(base);
    }

    private static NDArray tokens(NDManager scope, int vocab) {
        Random rng = new Random(3);
        int[] ids = new int[BATCH * LENGTH];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        return scope.create(ids, new Shape(BATCH, LENGTH));
    }

    private static float max(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance, what + ": largest difference " + worst + " over " + tolerance);
    }
}
