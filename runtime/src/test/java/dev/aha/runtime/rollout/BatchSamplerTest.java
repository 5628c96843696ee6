package dev.aha.runtime.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {

    private static final int END = 2;
    private static final List<int[]> PROMPTS = List.of(new int[] {5, 9, 14, 3}, new int[] {7, 7, 21},
            new int[] {30, 12, 4, 4, 8, 19}, new int[] {11}, new int[] {3, 25, 6, 17, 42});

    private NDManager base;
    private GptPolicy policy;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
        policy = GptPolicy.create(GptConfig.tiny(64), base);
    }

    @AfterEach
    void tearDown() {
        policy.close();
        base.close();
    }

    private List<List<Completion>> sample(SamplingSettings sampling, int slots, int groupSize, long seed,
            List<Integer> progress) {
        return new BatchSampler(policy, sampling, 64, new int[] {END}, slots)
                .sample(PROMPTS, groupSize, seed, progress == null ? null : progress::add);
    }

    /** A prompt's draws depend on the seed and its index alone: as many slots as one group, or room for all. */
    @Test
    void seededGroupsAreTheSameWhateverShareTheBatch() {
        SamplingSettings sampling = new SamplingSettings(1f, 1f, 10);
        List<Integer> progress = new ArrayList<>();
        List<List<Completion>> narrow = sample(sampling, 3, 3, 7L, progress);
        List<List<Completion>> wide = sample(sampling, 64, 3, 7L, null);
        assertEquals(List.of(1, 2, 3, 4, 5), progress, "one call per finished group");
        assertEquals(PROMPTS.size(), narrow.size());
        for (int p = 0; p < PROMPTS.size(); p++) {
            assertEquals(3, narrow.get(p).size());
            for (int g = 0; g < 3; g++) {
                assertArrayEquals(narrow.get(p).get(g).tokens(), wide.get(p).get(g).tokens(), "prompt " + p);
                assertArrayEquals(narrow.get(p).get(g).logProbs(), wide.get(p).get(g).logProbs(), 1e-5f);
            }
        }
        List<List<Completion>> other = sample(sampling, 64, 3, 8L, null);
        boolean differs = false;
        for (int p = 0; p < PROMPTS.size(); p++) {
            differs |= !java.util.Arrays.equals(other.get(p).get(0).tokens(), wide.get(p).get(0).tokens());
        }
        assertEquals(true, differs, "another seed, other draws");
    }

    @Test
    void greedyBatchesGiveTheTokensOfOneSequenceAtATime() {
        SamplingSettings greedy = new SamplingSettings(0f, 1f, 12);
        List<List<Completion>> batched = sample(greedy, 64, 1, 1L, null);
        Sampler one = new Sampler(policy, greedy, 64, new int[] {END});
        for (int p = 0; p < PROMPTS.size(); p++) {
            assertArrayEquals(one.sampleGroup(PROMPTS.get(p), 1, new Random(1)).get(0).tokens(),
                    batched.get(p).get(0).tokens(), "prompt " + p);
        }
    }

    @Test
    void aGroupWiderThanTheSlotsOrNoSlotsAreRefused() {
        SamplingSettings sampling = new SamplingSettings(1f, 1f, 4);
        assertEquals("a group of 4 does not fit 3 slots",
                assertThrows(IllegalArgumentException.class, () -> sample(sampling, 3, 4, 1L, null)).getMessage());
        assertEquals("slots must be at least 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> new BatchSampler(policy, sampling, 64, new int[] {END}, 0)).getMessage());
        assertEquals(List.of(), new BatchSampler(policy, sampling, 64, new int[] {END}, 4).sample(List.of(), 2, 1L,
                null));
    }
}
