package dev.aha.runtime.policy.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.support.Engines;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.ParameterLayout;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GptPolicyTest {

    private static final int VOCAB = 20;

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

    @Test
    void shouldGiveTheSameLogitsIncrementallyWithTheKvCacheAsWithAFullForward() {
        try (GptPolicy policy = GptPolicy.create(GptConfig.tiny(VOCAB), base);
                NDManager scope = base.newSubManager()) {
            int[] sequence = {3, 7, 1, 9, 4, 4, 12, 5, 6, 2};
            int prompt = 4;
            NDArray full = policy.logits(scope.create(sequence, new Shape(1, sequence.length))); // (1, T, V)

            int[] head = java.util.Arrays.copyOf(sequence, prompt);
            KvCache cache = policy.prefill(scope.create(head, new Shape(1, prompt)), 2);
            assertClose(full.get(new NDIndex("0, {}", prompt - 1)).toFloatArray(),
                    cache.lastLogits().get(1).toFloatArray(), 1e-4f);
            for (int t = prompt; t < sequence.length; t++) {
                NDArray next = scope.create(new int[] {sequence[t], sequence[t]}, new Shape(2, 1));
                NDArray stepLogits = policy.step(cache, next); // (2, V)
                float[] expected = full.get(new NDIndex("0, {}", t)).toFloatArray();
                assertClose(expected, stepLogits.get(0).toFloatArray(), 1e-4f);
                assertClose(expected, stepLogits.get(1).toFloatArray(), 1e-4f);
            }
            assertEquals(sequence.length, cache.length());
        }
    }

    @Test
    void shouldRoundTripFlatWeightsBitExactly() {
        GptConfig config = GptConfig.tiny(VOCAB);
        GptConfig otherSeed = new GptConfig(VOCAB, config.contextLength(), config.modelDim(), config.layers(),
                config.heads(), config.mlpMultiplier(), 99L);
        try (GptPolicy source = GptPolicy.create(config, base);
                GptPolicy target = GptPolicy.create(otherSeed, base)) {
            FlatWeights flat = source.exportWeights();
            assertEquals(source.layout().totalBytes(), flat.size());
            assertFalse(flat.contentEquals(target.exportWeights()), "different seeds must start different");

            target.importWeights(flat);
            assertTrue(flat.contentEquals(target.exportWeights()), "export after import must equal the source bit for bit");

            // the policy must not share the caller's buffer: scribbling on it afterwards changes nothing
            FlatWeights scratch = flat.copy();
            target.importWeights(scratch);
            ByteBuffer junk = ByteBuffer.allocate(Math.toIntExact(scratch.size()));
            while (junk.hasRemaining()) {
                junk.put((byte) 0x7f);
            }
            scratch.put(0, junk.flip());
            assertTrue(flat.contentEquals(target.exportWeights()));
        }
    }

    @Test
    void shouldLayOutParametersInTheDocumentedOrder() {
        GptConfig config = GptConfig.tiny(VOCAB);
        ParameterLayout layout = config.layout();
        assertEquals("wte", layout.names().get(0));
        assertEquals("wpe", layout.names().get(1));
        assertEquals("h.0.ln1.g", layout.names().get(2));
        assertEquals("head", layout.names().get(layout.names().size() - 1));
        assertEquals(2 + 12 * config.layers() + 3, layout.names().size());
        long d = config.modelDim();
        long perLayer = 4 * d + 3 * d * d + 3 * d + d * d + d + 2 * d * (4 * d) + 4 * d + d;
        assertEquals(VOCAB * d * 2 + config.contextLength() * d + config.layers() * perLayer + 2 * d,
                layout.totalElements());
    }

    @Test
    void shouldKeepIntermediatesOutOfThePolicysManager() {
        try (GptPolicy policy = GptPolicy.create(GptConfig.tiny(VOCAB), base)) {
            int before = Engines.liveArrays(policy.manager());
            try (NDManager scope = base.newSubManager()) {
                NDArray tokens = scope.create(new int[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
                policy.tokenLogProbs(tokens, 0.7f);
                KvCache cache = policy.prefill(scope.create(new int[] {1, 2}, new Shape(1, 2)), 3);
                policy.step(cache, scope.create(new int[] {4, 5, 6}, new Shape(3, 1)));
            }
            assertEquals(before, Engines.liveArrays(policy.manager()));
        }
    }

    @Test
    void shouldComputeTokenLogProbsThatAreLogProbabilities() {
        try (GptPolicy policy = GptPolicy.create(GptConfig.tiny(VOCAB), base);
                NDManager scope = base.newSubManager()) {
            NDArray tokens = scope.create(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4));
            float[] lp = policy.tokenLogProbs(tokens, 1f).toFloatArray();
            assertEquals(6, lp.length);
            for (float v : lp) {
                assertTrue(v < 0 && v > -20, "log-prob out of range: " + v);
            }
        }
    }

    @Test
    void shouldRefuseSequencesLongerThanTheContext() {
        try (GptPolicy policy = GptPolicy.create(GptConfig.tiny(VOCAB), base);
                NDManager scope = base.newSubManager()) {
            int t = policy.config().contextLength() + 1;
            NDArray tokens = scope.zeros(new Shape(1, t), ai.djl.ndarray.types.DataType.INT32);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policy.logits(tokens));
            assertTrue(e.getMessage().contains("exceeds the context length"), e.getMessage());
        }
    }

    @Test
    void shouldRejectInconsistentSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GptConfig(VOCAB, 32, 30, 1, 4, 4, 1L));
        assertEquals("modelDim (30) must be a multiple of heads (4)", e.getMessage());
    }

    static void assertClose(float[] expected, float[] actual, float tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tolerance) {
                assertArrayEquals(expected, actual, "differs at " + i);
            }
        }
    }
}
