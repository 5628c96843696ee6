package dev.aha.runtime.policy.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.support.Engines;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LlamaPolicyTest {

    /**
     * 1e-5 absolute for logits up to 10, growing with larger logits: float32 rounding differs between the batched
     * full forward and the one-token steps. Measured: llama (logits up to 5.3) 2.5e-6; qwen2 and qwen3 (tied
     * embeddings, logits up to ~50) 1.9e-5 and 2.0e-5, i.e. about 4e-7 of the largest logit throughout.
     */
    private static final double KV_TOLERANCE_PER_UNIT = 1e-6;

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

    /**
     * Prefill of 10 tokens for a batch of 2, then 14 steps in which the two rows feed different tokens: every step's
     * logits must equal those of a full forward over each row's whole sequence.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void shouldDecodeWithTheKvCacheAsAFullForwardComputes(String model) {
        int prompt = 10;
        int steps = 14;
        int total = prompt + steps;
        Random rng = new Random(5);
        try (LlamaPolicy policy = HfModel.open(LlamaFixtures.model(model), 64).create(base);
                NDManager scope = base.newSubManager()) {
            int vocab = policy.vocabSize();
            int[][] rows = new int[2][total];
            for (int i = 0; i < total; i++) {
                rows[0][i] = rng.nextInt(vocab);
                rows[1][i] = i < prompt ? rows[0][i] : rng.nextInt(vocab); // shared prompt, different continuations
            }
            NDArray full = policy.logits(scope.create(LlamaFixtures.flatten(rows), new Shape(2, total)));

            int[] head = java.util.Arrays.copyOf(rows[0], prompt);
            KvCache cache = policy.prefill(scope.create(head, new Shape(1, prompt)), 2);
            float worst = 0;
            NDArray logits = cache.lastLogits();
            for (int t = prompt - 1; t < total - 1; t++) {
                for (int r = 0; r < 2; r++) {
                    worst = Math.max(worst, maxDiff(full.get(new NDIndex("{}, {}", r, t)).toFloatArray(),
                            logits.get(r).toFloatArray()));
                }
                try (NDManager stepScope = scope.newSubManager()) {
                    NDArray next = stepScope.create(new int[] {rows[0][t + 1], rows[1][t + 1]}, new Shape(2));
                    NDArray out = policy.step(cache, next);
                    out.attach(scope);
                    logits = out;
                }
            }
            for (int r = 0; r < 2; r++) {
                worst = Math.max(worst, maxDiff(full.get(new NDIndex("{}, {}", r, total - 1)).toFloatArray(),
                        logits.get(r).toFloatArray()));
            }
            assertEquals(total, cache.length());
            double scale = full.abs().max().getFloat();
            double tolerance = KV_TOLERANCE_PER_UNIT * Math.max(10, scale);
            System.out.printf("%s: KV-cache decoding vs full forward, max |difference| = %.3g (largest logit %.3g,"
                    + " tolerance %.3g)%n", model, worst, scale, tolerance);
            assertTrue(worst <= tolerance, model + ": cached decoding differs by " + worst);
        }
    }

    @Test
    void shouldKeepIntermediatesOutOfThePolicysManager() {
        try (LlamaPolicy policy = HfModel.open(LlamaFixtures.model("qwen3"), 64).create(base)) {
            int before = Engines.liveArrays(policy.manager());
            try (NDManager scope = base.newSubManager()) {
                NDArray tokens = scope.create(new int[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
                policy.tokenLogProbs(tokens, 0.7f);
                KvCache cache = policy.prefill(scope.create(new int[] {1, 2}, new Shape(1, 2)), 3);
                policy.step(cache, scope.create(new int[] {4, 5, 6}, new Shape(3, 1)));
                policy.step(cache, scope.create(new int[] {7, 8, 9}, new Shape(3)));
            }
            assertEquals(before, Engines.liveArrays(policy.manager()));
        }
    }

    @Test
    void shouldCapTheContextAndRefuseLongerSequences() {
        HfModel model = HfModel.open(LlamaFixtures.model("llama"), 16);
        assertEquals(16, model.contextLength());
        assertEquals(128, HfModel.open(LlamaFixtures.model("llama"), 100_000).contextLength()); // max_position_embeddings
        try (LlamaPolicy policy = model.blank(base); NDManager scope = base.newSubManager()) {
            NDArray tokens = scope.zeros(new Shape(1, 17), DataType.INT32);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policy.logits(tokens));
            assertTrue(e.getMessage().contains("exceeds the context length 16"), e.getMessage());
        }
    }

    @Test
    void shouldComputeTokenLogProbsThatAreLogProbabilities() {
        try (LlamaPolicy policy = HfModel.open(LlamaFixtures.model("qwen2"), 64).create(base);
                NDManager scope = base.newSubManager()) {
            NDArray tokens = scope.create(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(2, 4));
            float[] lp = policy.tokenLogProbs(tokens, 1f).toFloatArray();
            assertEquals(6, lp.length);
            for (float v : lp) {
                assertTrue(v <= 0 && Float.isFinite(v), "not a log-probability: " + v);
            }
        }
    }

    private static float maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
