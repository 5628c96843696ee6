package dev.aha.runtime.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A trace's observations are context in SFT as in RL: out of the loss and out of its normaliser, so what a tool said
 * is never a target. Each loss is the first step's, from the same initial weights.
 */
class SftObservationMaskTest {

    private static final int VOCAB = 16;
    private static final int END = 1;
    private static final int[] PROMPT = {3, 4};

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

    private float firstLoss(SftExample... batch) {
        try (GptPolicy policy = GptPolicy.create(GptConfig.tiny(VOCAB), base);
                AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            return new SupervisedFineTuner(policy, adam, 0).step(List.of(batch));
        }
    }

    @Test
    void observationTokensAreNeitherTargetsNorCounted() {
        boolean[] policyOnly = {true, true, true, false, false};
        float withObservation = firstLoss(new SftExample(PROMPT, new int[] {5, 6, END, 9, 10}, policyOnly));
        float otherObservation = firstLoss(new SftExample(PROMPT, new int[] {5, 6, END, 12, 2}, policyOnly));
        float withoutObservation = firstLoss(new SftExample(PROMPT, new int[] {5, 6, END}));
        assertEquals(withoutObservation, withObservation, 1e-6f, "the mean runs over the policy's tokens only");
        assertEquals(withObservation, otherObservation, 1e-6f, "what the observation says is not learned");
        float trainedOnAll = firstLoss(new SftExample(PROMPT, new int[] {5, 6, END, 9, 10}));
        assertNotEquals(withObservation, trainedOnAll, "unmasked, the observation would be a target");
    }

    @Test
    void aMaskedExampleBesideAnUnmaskedOneKeepsEachRowsColumns() {
        SftExample single = new SftExample(new int[] {3}, new int[] {7, END});
        float mixed = firstLoss(new SftExample(PROMPT, new int[] {5, 6, END, 9}, new boolean[] {true, true, true,
                false}), single);
        float plain = firstLoss(new SftExample(PROMPT, new int[] {5, 6, END}), single);
        assertEquals(plain, mixed, 1e-6f);
    }

    @Test
    void flagsMustCoverTheCompletion() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SftExample(PROMPT, new int[] {5, END}, new boolean[] {true}));
        assertEquals("a completion of 2 tokens has 1 trained-token flags", e.getMessage());
    }
}
