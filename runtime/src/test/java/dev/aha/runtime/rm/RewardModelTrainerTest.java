package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A tiny GPT reward model learns a preference it can see, and its held-out pair accuracy rises. */
class RewardModelTrainerTest {

    @Test
    void shouldLearnToPreferTheCorrectSum() {
        ComputeThreads.prepare(1);
        CharTokenizer chars = new CharTokenizer();
        List<PreferencePair> train = pairs(chars, new Random(1), 256);
        List<PreferencePair> heldOut = pairs(chars, new Random(2), 64);
        GptFactory factory = new GptFactory(new GptConfig(chars.vocabSize(), 32, 32, 1, 2, 2, 3L));
        try (NDManager base = NDManager.newBaseManager(); Policy trunk = factory.create(base);
                RewardModel model = new RewardModel(trunk, RewardModelSource.freshHead(trunk.manager(), 1, 32, 1),
                        chars.padId(), Set.of("head"))) {
            BradleyTerryLoss loss = new BradleyTerryLoss(0.01f);
            float before;
            float after;
            try (RewardModelTrainer trainer = new RewardModelTrainer(model, AdamWSettings.defaults(3e-3), loss)) {
                before = trainer.evaluate(heldOut, 32).accuracy();
                String head = model.parameters().get(model.parameters().size() - 2).name();
                float[] gptHead = model.parameters().get(model.parameters().size() - 2).array().toFloatArray();
                for (int s = 0; s < 120; s++) {
                    List<PreferencePair> batch = train.subList((s * 16) % train.size(), (s * 16) % train.size() + 16);
                    RewardModelTrainer.Step step = trainer.step(batch);
                    assertTrue(Float.isFinite(step.loss()));
                }
                after = trainer.evaluate(heldOut, 32).accuracy();
                assertEquals("head", head);
                assertEquals(Arrays.toString(gptHead), Arrays.toString(
                        model.parameters().get(model.parameters().size() - 2).array().toFloatArray()),
                        "the GPT's output head is not on the score's path and stays as it was");
            }
            System.out.printf("held-out pair accuracy %.3f -> %.3f%n", before, after);
            assertTrue(after >= 0.9f, "held-out accuracy after training " + after);
            assertNotEquals(before, after);
        }
    }

    @Test
    void shouldSplitOffHeldOutPairsAndReportTheStartFirst() {
        ComputeThreads.prepare(1);
        CharTokenizer chars = new CharTokenizer();
        List<List<PreferencePair>> split = RewardModelTraining.split(pairs(chars, new Random(3), 20), 0.25, 1);
        assertEquals(15, split.get(0).size());
        assertEquals(5, split.get(1).size());
        assertTrue(Collections.disjoint(split.get(0), split.get(1)));
        GptFactory factory = new GptFactory(new GptConfig(chars.vocabSize(), 32, 32, 1, 2, 2, 3L));
        List<Integer> reported = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager(); Policy trunk = factory.create(base);
                RewardModel model = new RewardModel(trunk, RewardModelSource.freshHead(trunk.manager(), 1, 32, 1),
                        chars.padId(), Set.of("head"))) {
            RewardModelTraining.Result r = RewardModelTraining.run(model, split.get(0), split.get(1),
                    new RewardModelTraining.Settings(4, 4, 1e-3, 0f, 2, 1, null), p -> reported.add(p.step()));
            assertEquals(4, r.steps());
            assertEquals(5, r.before().pairs());
            assertEquals(5, r.heldOut().pairs());
        }
        assertEquals(List.of(0, 1, 2, 3, 4), reported, "step 0 is the starting model's evaluation");
        assertThrows(IllegalArgumentException.class, () -> RewardModelTraining.split(split.get(1), 1.0, 1));
    }

    /** "a+b=" then the right last digit (chosen) or a wrong one (rejected). */
    private static List<PreferencePair> pairs(CharTokenizer chars, Random rng, int n) {
        List<PreferencePair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int a = rng.nextInt(5);
            int b = rng.nextInt(5);
            int wrong = (a + b + 1 + rng.nextInt(4)) % 9;
            out.add(new PreferencePair("t:" + i, ended(chars, a + "+" + b + "=" + (a + b)),
                    ended(chars, a + "+" + b + "=" + wrong), 0f));
        }
        return out;
    }

    private static int[] ended(CharTokenizer chars, String text) {
        int[] ids = chars.encode(text);
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = chars.endId();
        return out;
    }
}
