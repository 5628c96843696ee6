package dev.aha.runtime.policy.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.HalfSequenceStep;
import dev.aha.runtime.engine.NativeKernels;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.policy.hf.HfModel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One float16 sequence's decode step in one native call ({@link HalfSequenceStep}, taken by
 * {@link LlamaPolicy#decode} for a single row) against the op-by-op path a batch of two takes.
 */
class HalfSequenceStepTest {

    private static final int[] PROMPT = {5, 9, 14, 3, 27, 8};
    private static final int CAPACITY = 32;

    private NDManager base;

    @BeforeEach
    void setUp() {
        assumeTrue(NativeKernels.available(), "native kernels: " + NativeKernels.describe());
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        if (base != null) {
            base.close();
        }
        ComputeThreads.prepare(1);
    }

    private LlamaPolicy policy(String model) {
        PolicyFactory factory = HfModel.open(LlamaFixtures.model(model), 64);
        Policy narrow = factory.blank(base, DataType.FLOAT16);
        try (Policy full = factory.create(base)) {
            narrow.importWeights(full.exportWeights());
        }
        return (LlamaPolicy) narrow;
    }

    /** A cache of {@code copies} rows holding the prompt's prefill; returns it with the prompt's last logits. */
    private SlotCache prefilled(LlamaPolicy policy, int copies) {
        SlotCache cache = SlotCache.allocate(base, policy.kvShape(), copies, CAPACITY, DataType.FLOAT16);
        try (NDManager scope = base.newSubManager()) {
            KvCache prompt = policy.prefill(scope.create(PROMPT, new Shape(1, PROMPT.length)), 1);
            cache.admit(prompt, copies);
        }
        return cache;
    }

    private static float[] logSoftmax(NDArray logits, int row) {
        return logits.get(row).logSoftmax(-1).toFloatArray();
    }

    private static double largestDifference(float[] a, float[] b) {
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            largest = Math.max(largest, Math.abs(a[i] - b[i]));
        }
        return largest;
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            best = x[i] > x[best] ? i : best;
        }
        return best;
    }

    /**
     * Ten steps of one sequence natively and op by op (an adapter slot holding a term that adds nothing sends one row
     * op by op), fed the same tokens: logits agree to float16's rounding at every step, and so do the keys and values
     * each path wrote to its cache. A batch of two copies (op by op, its attention in float16) is the yardstick.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void decodesAsTheOpByOpPath(String model) {
        try (LlamaPolicy policy = policy(model)) {
            SlotCache single = prefilled(policy, 1);
            SlotCache reference = prefilled(policy, 1);
            SlotCache pair = prefilled(policy, 2);
            int token = 11;
            double[] worst = new double[2];
            for (int step = 0; step < 10; step++) {
                try (NDManager scope = base.newSubManager()) {
                    float[] natively = policy.decode(single, scope.create(new int[] {token})).toFloatArray();
                    policy.adapterSlot().fill((weight, x, y) -> y);
                    NDArray expected = policy.decode(reference, scope.create(new int[] {token}));
                    policy.adapterSlot().empty();
                    float[] opByOp = expected.toFloatArray();
                    float[] batch = policy.decode(pair, scope.create(new int[] {token, token})).get(0).toFloatArray();
                    worst[0] = Math.max(worst[0], largestDifference(natively, opByOp));
                    worst[1] = Math.max(worst[1], largestDifference(batch, opByOp));
                    token = argmax(logSoftmax(expected, 0));
                }
            }
            assertTrue(worst[0] <= Math.max(worst[1], 0.01), model + ": logits differ by up to " + worst[0]
                    + " from the op-by-op path's, a batch's by " + worst[1]);
            assertEquals(reference.length(0), single.length(0));
            int length = single.length(0);
            for (int l = 0; l < single.keyBuffers().length; l++) {
                NDIndex written = new NDIndex("0, :, :{}, :", length);
                assertClose(reference.keyBuffers()[l].get(written), single.keyBuffers()[l].get(written), model
                        + " keys " + l);
                assertClose(reference.valueBuffers()[l].get(written), single.valueBuffers()[l].get(written), model
                        + " values " + l);
            }
        }
    }

    /** The spacing of float16 values around x, at least that around 1. */
    private static double halfStep(float x) {
        return Math.scalb(1.0, Math.getExponent(Math.max(Math.abs(x), 1f)) - 10);
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < e.length; i++) {
            // a few float16 steps apart at most: the paths sum in different orders
            assertEquals(e[i], a[i], 0.01 + 0.004 * Math.abs(e[i]), what + " element " + i);
        }
    }

    /** New weights arrive in place (as the weight plane writes them): the step, built before, reads them. */
    @Test
    void readsWeightsImportedAfterItWasBuilt() {
        PolicyFactory factory = HfModel.open(LlamaFixtures.model("qwen3"), 64);
        try (LlamaPolicy policy = policy("qwen3"); Policy changed = factory.create(base);
                NDManager scope = base.newSubManager()) {
            float[] before = policy.decode(prefilled(policy, 1), scope.create(new int[] {11})).toFloatArray();
            for (PolicyParameter p : changed.parameters()) {
                if (p.array().getShape().dimension() == 2) {
                    p.array().muli(0.5);
                }
            }
            policy.importWeights(changed.exportWeights());
            float[] natively = policy.decode(prefilled(policy, 1), scope.create(new int[] {11})).toFloatArray();
            policy.adapterSlot().fill((weight, x, y) -> y);
            float[] opByOp = policy.decode(prefilled(policy, 1), scope.create(new int[] {11})).toFloatArray();
            policy.adapterSlot().empty();
            double fromOpByOp = largestDifference(natively, opByOp);
            double fromBefore = largestDifference(natively, before);
            assertTrue(fromOpByOp < 0.02, "after the import the paths differ by " + fromOpByOp);
            assertTrue(fromBefore > 0.1, "the new weights changed nothing: " + fromBefore);
        }
    }

    /** Each row of a product and each attention head is computed by one thread: the result is the same on 1 or 2. */
    @Test
    void givesTheSameLogitsOnOneOrTwoThreads() {
        try (LlamaPolicy policy = policy("qwen3")) {
            float[][] logits = new float[2][];
            for (int threads = 1; threads <= 2; threads++) {
                ComputeThreads.prepare(threads);
                SlotCache cache = prefilled(policy, 1);
                try (NDManager scope = base.newSubManager()) {
                    policy.decode(cache, scope.create(new int[] {4}));
                    logits[threads - 1] = policy.decode(cache, scope.create(new int[] {19})).toFloatArray();
                }
            }
            assertArrayEquals(logits[0], logits[1]);
        }
    }

    /** A token the vocabulary has no row for is refused before anything is written; the sequence can go on. */
    @Test
    void refusesATokenOutsideTheVocabularyAndLeavesTheCacheAsItWas() {
        try (LlamaPolicy policy = policy("llama"); NDManager scope = base.newSubManager()) {
            SlotCache cache = prefilled(policy, 1);
            int before = cache.length(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> policy.decode(cache, scope.create(new int[] {policy.vocabSize()})));
            assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
            assertEquals(before, cache.length(0));
            assertEquals(new Shape(1, policy.vocabSize()), policy.decode(cache, scope.create(new int[] {3}))
                    .getShape());
            assertEquals(before + 1, cache.length(0));
        }
    }

    /** A tiny decoder's tensors, float16: hidden 16, 2 heads of 8 over 1 kv head, MLP 32, vocabulary 10. */
    private static final HalfSequenceStep.Sizes TINY = new HalfSequenceStep.Sizes(16, 2, 1, 8, 32, 10);

    private HalfSequenceStep.Built tiny(NDArray q) {
        NDArray norm = base.ones(new Shape(16), DataType.FLOAT16);
        HalfSequenceStep.Layer layer = new HalfSequenceStep.Layer(norm, q, null, half(8, 16), null, half(8, 16), null,
                null, null, half(16, 16), null, norm, half(32, 16), half(32, 16), half(16, 32));
        return HalfSequenceStep.of(TINY, 1e-6f, 0.35f, half(10, 16), norm, half(10, 16), List.of(layer));
    }

    private NDArray half(long rows, long cols) {
        return base.randomNormal(new Shape(rows, cols)).mul(0.1).toType(DataType.FLOAT16, false);
    }

    private NDArray[] cacheBuffers(int layers) {
        NDArray[] buffers = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            buffers[l] = base.zeros(new Shape(1, 1, 4, 8), DataType.FLOAT16);
        }
        return buffers;
    }

    /** Weights that are not float16, or whose DJL view would be a copy (a transpose), are not taken. */
    @Test
    void refusesWeightsItCannotReadInPlace() {
        HalfSequenceStep.Built transposed = tiny(half(16, 16).transpose());
        assertNull(transposed.step());
        assertTrue(transposed.reason().contains("does not own contiguous memory"), transposed.reason());
        HalfSequenceStep.Built wide = tiny(half(16, 16).toType(DataType.FLOAT32, false));
        assertNull(wide.step());
        assertTrue(wide.reason().contains("not float16"), wide.reason());
        assertNotNull(tiny(half(16, 16)).step());
    }

    /** Sizes that are not a grouped-query layout, and a q norm without its k norm, are not taken either. */
    @Test
    void refusesALayoutItDoesNotImplement() {
        NDArray norm = base.ones(new Shape(16), DataType.FLOAT16);
        HalfSequenceStep.Built uneven = HalfSequenceStep.of(new HalfSequenceStep.Sizes(16, 3, 2, 8, 32, 10), 1e-6f,
                0.35f, half(10, 16), norm, half(10, 16), List.of());
        assertNull(uneven.step());
        assertTrue(uneven.reason().contains("grouped-query"), uneven.reason());
        HalfSequenceStep.Layer onlyQ = new HalfSequenceStep.Layer(norm, half(16, 16), null, half(8, 16), null,
                half(8, 16), null, base.ones(new Shape(8), DataType.FLOAT16), null, half(16, 16), null, norm,
                half(32, 16), half(32, 16), half(16, 32));
        HalfSequenceStep.Built halfNormed = HalfSequenceStep.of(TINY, 1e-6f, 0.35f, half(10, 16), norm, half(10, 16),
                List.of(onlyQ));
        assertNull(halfNormed.step());
        assertTrue(halfNormed.reason().contains("without the other"), halfNormed.reason());
    }

    /** A step needs a bound cache of the decoder's layout, still open, and runs without autograd. */
    @Test
    void refusesToStepWithoutAnOpenCacheOrUnderAutograd() {
        HalfSequenceStep step = tiny(half(16, 16)).step();
        float[] table = new float[8];
        try (NDManager scope = base.newSubManager()) {
            assertThrows(IllegalStateException.class, () -> step.decode(1, 0, table, table, scope));
            assertThrows(IllegalArgumentException.class, () -> step.bind(cacheBuffers(2), cacheBuffers(2)));
            NDArray[] wrong = {base.zeros(new Shape(1, 2, 4, 8), DataType.FLOAT16)};
            assertThrows(IllegalArgumentException.class, () -> step.bind(wrong, cacheBuffers(1)));
            NDArray[] keys = cacheBuffers(1);
            step.bind(keys, cacheBuffers(1));
            assertEquals(new Shape(1, 10), step.decode(1, 0, table, table, scope).getShape());
            assertThrows(IllegalArgumentException.class, () -> step.decode(1, 4, table, table, scope));
            assertThrows(IllegalArgumentException.class, () -> step.decode(1, 1, new float[4], table, scope));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                assertThrows(IllegalStateException.class, () -> step.decode(1, 1, table, table, scope));
            }
            keys[0].close();
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> step.decode(1, 1, table, table, scope));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
    }

    /** A LoRA term in the policy's adapter slot is the native step's to miss: with one there, one row goes op by op. */
    @Test
    void decodesOpByOpWhileAdaptersAreInTheSlot() {
        try (LlamaPolicy policy = policy("qwen2"); NDManager scope = base.newSubManager()) {
            float[] plain = logSoftmax(policy.decode(prefilled(policy, 1), scope.create(new int[] {11})), 0);
            policy.adapterSlot().fill((weight, x, y) -> weight.contains("down_proj") ? y.add(0.25) : y);
            float[] single = logSoftmax(policy.decode(prefilled(policy, 1), scope.create(new int[] {11})), 0);
            float[] pair = logSoftmax(policy.decode(prefilled(policy, 2), scope.create(new int[] {11, 11})), 0);
            policy.adapterSlot().empty();
            double fromPair = largestDifference(single, pair);
            double fromPlain = largestDifference(single, plain);
            assertTrue(fromPlain > 10 * fromPair, "with the adapter term, one row differs from the batch by " + fromPair
                    + " and from the policy without it by " + fromPlain);
        }
    }
}
