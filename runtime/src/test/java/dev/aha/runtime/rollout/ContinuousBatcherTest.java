package dev.aha.runtime.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.SmallPieces;
import dev.aha.runtime.policy.llama.LlamaFixtures;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContinuousBatcherTest {

    private static final int END = 2;
    private static final int[][] PROMPTS = {{5, 9, 14, 3}, {7, 7, 21}, {30, 12, 4, 4, 8, 19}, {11}, {3, 25, 6, 17, 2 + 40}};

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
        return model.equals("gpt") ? new GptFactory(GptConfig.tiny(64))
                : HfModel.open(LlamaFixtures.model(model), 64);
    }

    /** A policy with the factory's initial weights, stored in {@code type}. */
    private Policy policy(PolicyFactory factory, DataType type) {
        Policy narrow = factory.blank(base, type);
        try (Policy full = factory.create(base)) {
            narrow.importWeights(full.exportWeights());
        }
        return narrow;
    }

    private ContinuousBatcher<Integer> batcher(Policy policy, int slots, SamplingSettings sampling) {
        return batcher(policy, slots, sampling, policy.vocabSize(), END);
    }

    private ContinuousBatcher<Integer> batcher(Policy policy, int slots, SamplingSettings sampling, int vocabularyLimit,
            int end) {
        NDManager engine = base.newSubManager();
        // The cache holds activations, which are in the type of the norms' weights (float32 under bfloat16 matrices).
        DataType activations = policy.parameters().stream().filter(p -> p.shape().dimension() == 1).findFirst()
                .orElseThrow().array().getDataType();
        SlotCache cache = SlotCache.allocate(engine, policy.kvShape(), slots, 48, activations);
        return new ContinuousBatcher<>(policy, cache, engine, sampling, vocabularyLimit, new int[] {end});
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "llama", "qwen2", "qwen3"})
    void batchedGreedyDecodingGivesTheTokensOfOneSequenceAtATime(String model) {
        PolicyFactory factory = factory(model);
        SamplingSettings greedy = new SamplingSettings(0f, 1f, 12);
        try (Policy policy = policy(factory, DataType.FLOAT32);
                ContinuousBatcher<Integer> batcher = batcher(policy, 6, greedy)) {
            Sampler alone = new Sampler(policy, greedy, END);
            // Groups join while others are mid-sequence, so rows sit at different positions in one forward.
            Map<Integer, List<Completion>> batched = runAll(batcher, new int[] {2, 1, 2, 1, 2}, 1L);
            for (int p = 0; p < PROMPTS.length; p++) {
                int[] expected = alone.sampleGroup(PROMPTS[p], 1, new Random(0)).get(0).tokens();
                for (Completion c : batched.get(p)) {
                    assertArrayEquals(expected, c.tokens(), model + " prompt " + p);
                }
            }
        }
    }

    @Test
    void aSequenceDrawsTheSameTokensWhateverElseSharesTheBatch() {
        SamplingSettings sampling = new SamplingSettings(1f, 1f, 10);
        try (Policy policy = policy(factory("qwen3"), DataType.FLOAT32);
                ContinuousBatcher<Integer> alone = batcher(policy, 3, sampling);
                ContinuousBatcher<Integer> crowded = batcher(policy, 8, sampling)) {
            alone.admit(0, PROMPTS[0], 3, 42L);
            List<Completion> solo = drain(alone).get(0);
            crowded.admit(7, PROMPTS[2], 2, 5L);
            crowded.step();
            crowded.admit(0, PROMPTS[0], 3, 42L);
            crowded.admit(8, PROMPTS[1], 3, 6L);
            List<Completion> shared = drain(crowded).get(0);
            for (int g = 0; g < 3; g++) {
                assertArrayEquals(solo.get(g).tokens(), shared.get(g).tokens(), "sample " + g);
                assertArrayEquals(solo.get(g).logProbs(), shared.get(g).logProbs(), 1e-4f);
            }
        }
    }

    @Test
    void slotsAreAdmittedUpToTheLimitAndFreedAsSequencesEnd() {
        try (Policy policy = policy(factory("gpt"), DataType.FLOAT32);
                ContinuousBatcher<Integer> batcher = batcher(policy, 4, new SamplingSettings(1f, 1f, 6))) {
            batcher.admit(0, PROMPTS[0], 3, 1L);
            assertEquals(1, batcher.freeSlots());
            assertThrows(IllegalArgumentException.class, () -> batcher.admit(1, PROMPTS[1], 2, 2L));
            assertEquals(3, batcher.activeSequences(), "a refused group leaves nothing behind");
            batcher.admit(1, PROMPTS[1], 1, 2L);
            assertEquals(0, batcher.freeSlots());
            int steps = 0;
            List<Integer> done = new ArrayList<>();
            while (!batcher.idle()) {
                batcher.step().forEach(f -> done.add(f.key()));
                steps++;
                assertEquals(4 - batcher.activeSequences(), batcher.freeSlots());
            }
            assertTrue(steps <= 6, "every sequence ends by the length limit");
            assertEquals(List.of(0, 1), done.stream().sorted().toList());
            assertEquals(4, batcher.freeSlots());
        }
    }

    @Test
    void aPromptThatCannotBeSampledIsRefusedAndLeavesNothingBehind() {
        try (Policy policy = policy(factory("gpt"), DataType.FLOAT32);
                ContinuousBatcher<Integer> batcher = batcher(policy, 4, new SamplingSettings(1f, 1f, 6))) {
            assertThrows(IllegalArgumentException.class, () -> batcher.admit(0, new int[0], 2, 1L));
            int[] tooLong = new int[48]; // the slots hold 48 positions: no room for a token after it
            java.util.Arrays.fill(tooLong, 5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> batcher.admit(1, tooLong, 2, 1L));
            assertTrue(e.getMessage().contains("leaves no room"), e.getMessage());
            assertEquals(4, batcher.freeSlots());
            assertTrue(batcher.step().isEmpty(), "an idle engine steps to nothing");
        }
    }

    @Test
    void eachTokenRecordsTheVersionThatSampledIt() {
        try (Policy policy = policy(factory("qwen3"), DataType.FLOAT32);
                // an end token past the vocabulary limit is never drawn: every sequence runs to the length limit
                ContinuousBatcher<Integer> batcher = batcher(policy, 2, new SamplingSettings(0f, 1f, 8),
                        policy.vocabSize() - 1, policy.vocabSize() - 1)) {
            batcher.setVersion(3);
            batcher.admit(0, PROMPTS[3], 2, 1L);
            List<ContinuousBatcher.FinishedGroup<Integer>> done = new ArrayList<>(batcher.step());
            done.addAll(batcher.step());
            batcher.setVersion(4); // new weights between decode steps, with the group in flight
            while (!batcher.idle()) {
                done.addAll(batcher.step());
            }
            List<Completion> group = done.get(0).completions();
            assertEquals(8, group.get(0).length());
            for (Completion c : group) {
                assertEquals(3, c.oldestVersion(-1));
                long[] v = c.versions();
                for (int i = 0; i < v.length; i++) {
                    assertEquals(i < 2 ? 3 : 4, v[i], "token " + i);
                }
            }
        }
    }

    /**
     * One float16 sequence decodes through the native one-row path (each layer's norm and q/k/v in one call, its norm,
     * gate and up in another); two copies of it in one batch go op by op through libtorch. Both draw the float32
     * policy's greedy tokens, and the one-row path's log-probs stay within float16's rounding of float32's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void oneFloat16SequenceDecodesAsTheFloat32PolicyAndAsABatch(String model) {
        SamplingSettings greedy = new SamplingSettings(0f, 1f, 10);
        PolicyFactory factory = factory(model);
        try (Policy exact = policy(factory, DataType.FLOAT32);
                Policy policy = policy(factory, DataType.FLOAT16);
                ContinuousBatcher<Integer> reference = batcher(exact, 1, greedy);
                ContinuousBatcher<Integer> alone = batcher(policy, 1, greedy);
                ContinuousBatcher<Integer> pair = batcher(policy, 2, greedy)) {
            reference.admit(0, PROMPTS[0], 1, 1L);
            alone.admit(0, PROMPTS[0], 1, 1L);
            pair.admit(0, PROMPTS[0], 2, 1L);
            Completion expected = drain(reference).get(0).get(0);
            Completion one = drain(alone).get(0).get(0);
            assertArrayEquals(expected.tokens(), one.tokens(), model);
            // a flat distribution can move one log-prob by ~0.01 on one unlucky rounding; a systematic error moves all
            double total = 0;
            for (int i = 0; i < one.logProbs().length; i++) {
                assertEquals(expected.logProbs()[i], one.logProbs()[i], 0.02f, model + " token " + i);
                total += Math.abs(expected.logProbs()[i] - one.logProbs()[i]);
            }
            assertTrue(total / one.logProbs().length < 0.004, model + " mean deviation " + total / one.logProbs().length);
            for (Completion c : drain(pair).get(0)) {
                assertArrayEquals(one.tokens(), c.tokens(), model);
            }
        }
    }

    /** Under 16-bit weights the first draw sees the same prompt: its log-prob differs by the weights' rounding. */
    @ParameterizedTest
    @CsvSource({"gpt, FLOAT16, 0.002", "qwen3, FLOAT16, 0.002", "gpt, BFLOAT16, 0.005", "qwen3, BFLOAT16, 0.005"})
    void sixteenBitWeightsSampleNearlyTheFloat32Distribution(String model, DataType type, float tolerance) {
        SamplingSettings sampling = new SamplingSettings(1f, 1f, 8);
        PolicyFactory factory = factory(model);
        try (Policy full = policy(factory, DataType.FLOAT32);
                Policy narrow = policy(factory, type);
                ContinuousBatcher<Integer> a = batcher(full, 2, sampling);
                ContinuousBatcher<Integer> b = batcher(narrow, 2, sampling)) {
            a.admit(0, PROMPTS[2], 2, 9L);
            b.admit(0, PROMPTS[2], 2, 9L);
            List<Completion> exact = drain(a).get(0);
            List<Completion> rounded = drain(b).get(0);
            for (int g = 0; g < 2; g++) {
                assertEquals(exact.get(g).tokens()[0], rounded.get(g).tokens()[0]);
                assertEquals(exact.get(g).logProbs()[0], rounded.get(g).logProbs()[0], tolerance);
            }
        }
    }

    /** A bfloat16 copy filled and read back a few rows at a time (as tensors past 2 GiB are) holds the same weights. */
    @Test
    void bfloat16WeightsMoveInPiecesAsWhole() {
        PolicyFactory factory = factory("qwen3");
        try (Policy whole = policy(factory, DataType.BFLOAT16)) {
            FlatWeights expected = whole.exportWeights();
            try (SmallPieces small = SmallPieces.of(256); Policy pieces = policy(factory, DataType.BFLOAT16)) {
                assertTrue(expected.contentEquals(pieces.exportWeights()));
            }
        }
    }

    /** Admits groups of the given sizes one per step (as slots allow), then steps until all are done. */
    private static Map<Integer, List<Completion>> runAll(ContinuousBatcher<Integer> batcher, int[] sizes, long seed) {
        Map<Integer, List<Completion>> done = new HashMap<>();
        int next = 0;
        while (next < sizes.length || !batcher.idle()) {
            if (next < sizes.length && batcher.freeSlots() >= sizes[next]) {
                batcher.admit(next, PROMPTS[next], sizes[next], seed + next);
                next++;
            }
            batcher.step().forEach(f -> done.put(f.key(), f.completions()));
        }
        return done;
    }

    private static Map<Integer, List<Completion>> drain(ContinuousBatcher<Integer> batcher) {
        Map<Integer, List<Completion>> done = new HashMap<>();
        while (!batcher.idle()) {
            batcher.step().forEach(f -> done.put(f.key(), f.completions()));
        }
        return done;
    }
}
