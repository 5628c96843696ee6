package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.ChunkedLogProbs;
import dev.aha.runtime.policy.WholeLogitsPolicy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.support.Engines;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpoUpdaterTest {

    private static final CharTokenizer TOKENIZER = new CharTokenizer();
    private static final int[] PROMPT = TOKENIZER.encode("1+2=");
    private static final int[] GOOD = TOKENIZER.encode("3");
    private static final int[] BAD = TOKENIZER.encode("7");

    private NDManager base;
    private GptPolicy policy;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
        policy = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
    }

    @AfterEach
    void tearDown() {
        policy.close();
        base.close();
    }

    @Test
    void shouldRaiseTheLogProbsOfPositiveAdvantagesAndLowerThoseOfNegativeOnes() {
        GrpoSettings settings = new GrpoSettings(0.2, 0.2, 0.0, LossAggregation.SEQUENCE_MEAN, true, 1e-4, 0);
        try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            GrpoUpdater updater = new GrpoUpdater(policy, null, adam, new GrpoLoss(settings), 1f, TOKENIZER.padId());
            float good = logProb(GOOD);
            float bad = logProb(BAD);
            GrpoUpdateResult result = updater.update(List.of(
                    new GrpoSample(PROMPT, GOOD, new float[] {good}, 1f),
                    new GrpoSample(PROMPT, BAD, new float[] {bad}, -1f)));
            assertTrue(result.gradNorm() > 0, "no gradient reached the weights");
            assertTrue(logProb(GOOD) > good, "positive advantage must raise its token's log-prob");
            assertTrue(logProb(BAD) < bad, "negative advantage must lower its token's log-prob");
            assertEquals(1f, result.diagnostics().meanRatio(), 1e-5f, "on-policy: ratio 1");
        }
    }

    /** Overlong filtering can mask a whole batch: Adam, with momentum from a step before, must not move then. */
    @Test
    void shouldNotMoveTheWeightsOnABatchWithNothingInTheLoss() {
        GrpoSettings settings = new GrpoSettings(0.2, 0.2, 0.0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            GrpoUpdater updater = new GrpoUpdater(policy, null, adam, new GrpoLoss(settings), 1f, TOKENIZER.padId());
            updater.update(List.of(new GrpoSample(PROMPT, GOOD, new float[] {logProb(GOOD)}, 1f),
                    new GrpoSample(PROMPT, BAD, new float[] {logProb(BAD)}, -1f)));
            FlatWeights before = policy.exportWeights();
            assertEquals(GrpoUpdateResult.NONE, updater.update(List.of()));
            assertTrue(before.contentEquals(policy.exportWeights()), "the weights moved on an empty batch");
        }
    }

    /** A NaN behaviour log-prob poisons the ratio, so the gradient: AdamW skips the update, and the result says so. */
    @Test
    void shouldReportAnUpdateTheOptimiserSkipped() {
        GrpoSettings settings = new GrpoSettings(0.2, 0.2, 0.0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            GrpoUpdater updater = new GrpoUpdater(policy, null, adam, new GrpoLoss(settings), 1f, TOKENIZER.padId());
            FlatWeights before = policy.exportWeights();
            GrpoUpdateResult poisoned = updater.update(List.of(
                    new GrpoSample(PROMPT, GOOD, new float[] {Float.NaN}, 1f)));
            assertTrue(poisoned.optimizerSkipped(), "gradient norm " + poisoned.gradNorm());
            assertEquals(1, adam.skipped());
            assertTrue(before.contentEquals(policy.exportWeights()), "the weights moved on a skipped update");
            GrpoUpdateResult taken = updater.update(List.of(
                    new GrpoSample(PROMPT, GOOD, new float[] {logProb(GOOD)}, 1f),
                    new GrpoSample(PROMPT, BAD, new float[] {logProb(BAD)}, -1f)));
            assertFalse(taken.optimizerSkipped());
            assertEquals(1, adam.skipped());
        }
    }

    @Test
    void shouldNeverTouchTheReferenceWhenBetaIsZero() {
        GptPolicy reference = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
        reference.close(); // any use of a closed policy's weights fails
        GrpoSettings noKl = new GrpoSettings(0.2, 0.2, 0.0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-3), base)) {
            GrpoUpdater updater =
                    new GrpoUpdater(policy, reference, adam, new GrpoLoss(noKl), 1f, TOKENIZER.padId());
            GrpoUpdateResult r = updater.update(List.of(
                    new GrpoSample(PROMPT, GOOD, new float[] {-4f}, 1f),
                    new GrpoSample(PROMPT, BAD, new float[] {-4f}, -1f)));
            assertEquals(0f, r.diagnostics().meanKl());
        }
        GrpoSettings withKl = new GrpoSettings(0.2, 0.2, 0.04, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-3), base)) {
            GrpoUpdater updater =
                    new GrpoUpdater(policy, reference, adam, new GrpoLoss(withKl), 1f, TOKENIZER.padId());
            assertThrows(RuntimeException.class, () -> updater.update(List.of(
                    new GrpoSample(PROMPT, GOOD, new float[] {-4f}, 1f))), "the closed reference is run");
        }
    }

    @Test
    void shouldReportKlToTheReferenceOnceThePolicyMoves() {
        GptPolicy reference = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
        GrpoSettings withKl = new GrpoSettings(0.2, 0.2, 0.04, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            GrpoUpdater updater =
                    new GrpoUpdater(policy, reference, adam, new GrpoLoss(withKl), 1f, TOKENIZER.padId());
            List<GrpoSample> batch = List.of(
                    new GrpoSample(PROMPT, GOOD, new float[] {logProb(GOOD)}, 1f),
                    new GrpoSample(PROMPT, BAD, new float[] {logProb(BAD)}, -1f));
            assertEquals(0f, updater.update(batch).diagnostics().meanKl(), 1e-6f, "identical at first");
            assertTrue(updater.update(batch).diagnostics().meanKl() > 0f);
        } finally {
            reference.close();
        }
    }

    /**
     * Micro-batches of one row each (a logits budget of one byte) take the same step as the whole batch, for every
     * aggregation, with the KL term on: each micro-batch is normalised over the whole batch and gradients add up.
     * Adam's eps is large so the update is near-linear in the gradient and float rounding cannot flip a sign.
     */
    @Test
    void shouldTakeTheSameStepInMicroBatchesAsInOne() {
        AdamWSettings linear = new AdamWSettings(1e-2, 0.9, 0.99, 1.0, 0.0, 0.0);
        List<GrpoSample> batch = List.of(
                new GrpoSample(TOKENIZER.encode("12+3="), TOKENIZER.encode("15"), new float[] {-4f, -3f}, 1.2f),
                new GrpoSample(PROMPT, GOOD, new float[] {-4.5f}, -0.3f),
                new GrpoSample(TOKENIZER.encode("9-1="), TOKENIZER.encode("8 ok"), new float[] {-4f, -4f, -5f, -4f}, 0.7f),
                new GrpoSample(PROMPT, BAD, new float[] {-4f}, -1.6f));
        for (LossAggregation aggregation : LossAggregation.values()) {
            GrpoSettings settings = new GrpoSettings(0.2, 0.28, 0.04, aggregation,
                    aggregation != LossAggregation.DR_GRPO, 1e-4, 8);
            try (GptPolicy whole = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                    GptPolicy micro = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                    GptPolicy reference = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                    AdamW adamWhole = new AdamW(whole.parameters(), linear, base);
                    AdamW adamMicro = new AdamW(micro.parameters(), linear, base)) {
                reference.parameters().get(0).array().muli(0.9f); // a reference that differs: the KL term is live
                GrpoUpdateResult a = new GrpoUpdater(whole, reference, adamWhole, new GrpoLoss(settings), 1f,
                        TOKENIZER.padId()).update(batch);
                GrpoUpdateResult b = new GrpoUpdater(micro, reference, adamMicro, new GrpoLoss(settings), 1f,
                        TOKENIZER.padId(), 1).update(batch);
                assertEquals(a.loss(), b.loss(), 1e-5f, aggregation + " loss");
                assertEquals(a.gradNorm(), b.gradNorm(), 1e-4f * a.gradNorm(), aggregation + " gradient norm");
                assertEquals(a.diagnostics().meanKl(), b.diagnostics().meanKl(), 1e-6f, aggregation + " KL");
                assertEquals(a.diagnostics().tokens(), b.diagnostics().tokens());
                java.nio.FloatBuffer wa = whole.exportWeights().toByteBuffer().asFloatBuffer();
                java.nio.FloatBuffer wb = micro.exportWeights().toByteBuffer().asFloatBuffer();
                for (int i = 0; i < wa.limit(); i++) {
                    assertEquals(wa.get(i), wb.get(i), 1e-6f, aggregation + " weight " + i);
                }
            }
        }
    }

    /**
     * Every algorithm's step is the same in micro-batches of one row as in one: GSPO normalises over the batch's
     * sequences, REINFORCE++ over the whole batch's tokens (its reference run for all rows before any loss).
     */
    @Test
    void shouldTakeEveryAlgorithmsStepInMicroBatchesAsInOne() {
        AdamWSettings linear = new AdamWSettings(1e-2, 0.9, 0.99, 1.0, 0.0, 0.0);
        List<GrpoSample> batch = List.of(
                new GrpoSample(TOKENIZER.encode("12+3="), TOKENIZER.encode("15"), new float[] {-4f, -3f}, 1f),
                new GrpoSample(PROMPT, GOOD, new float[] {-4.5f}, 0f),
                new GrpoSample(TOKENIZER.encode("9-1="), TOKENIZER.encode("8 ok"), new float[] {-4f, -4f, -5f, -4f},
                        1f, 0, new boolean[] {true, false, false, true}),
                new GrpoSample(PROMPT, BAD, new float[] {-4f}, -1f));
        for (Algorithm algorithm : Algorithm.values()) {
            GrpoSettings settings = new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.SEQUENCE_MEAN, true, 1e-4, 8)
                    .withAlgorithm(algorithm);
            try (GptPolicy whole = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                    GptPolicy micro = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                    GptPolicy reference = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                    AdamW adamWhole = new AdamW(whole.parameters(), linear, base);
                    AdamW adamMicro = new AdamW(micro.parameters(), linear, base)) {
                reference.parameters().get(0).array().muli(0.9f);
                GrpoUpdateResult a = new GrpoUpdater(whole, reference, adamWhole, PolicyLoss.of(settings), 1f,
                        TOKENIZER.padId()).update(batch);
                GrpoUpdateResult b = new GrpoUpdater(micro, reference, adamMicro, PolicyLoss.of(settings), 1f,
                        TOKENIZER.padId(), 1).update(batch);
                assertTrue(a.gradNorm() > 0 && Float.isFinite(a.loss()), algorithm + " takes a step");
                assertEquals(a.loss(), b.loss(), 1e-5f, algorithm + " loss");
                assertEquals(a.gradNorm(), b.gradNorm(), 1e-4f * a.gradNorm(), algorithm + " gradient norm");
                assertEquals(6, a.diagnostics().tokens(), algorithm + ": observations out");
            }
        }
    }

    /**
     * The output head in chunks (of three rows, vocabulary slices of a few columns), with and without micro-batches,
     * takes the step the whole logits take through autograd, at a sampling temperature other than 1, KL term on.
     */
    @Test
    void shouldTakeTheStepOfTheWholeLogitsWithTheHeadInChunks() {
        AdamWSettings linear = new AdamWSettings(1e-2, 0.9, 0.99, 1.0, 0.0, 0.0);
        List<GrpoSample> batch = List.of(
                new GrpoSample(TOKENIZER.encode("12+3="), TOKENIZER.encode("15"), new float[] {-4f, -3f}, 1.2f),
                new GrpoSample(PROMPT, GOOD, new float[] {-4.5f}, -0.3f),
                new GrpoSample(TOKENIZER.encode("9-1="), TOKENIZER.encode("8 ok"), new float[] {-4f, -4f, -5f, -4f}, 0.7f));
        GrpoSettings settings = new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.SEQUENCE_MEAN, true, 1e-4, 0);
        ChunkedLogProbs threeRows = new ChunkedLogProbs(3L * TOKENIZER.vocabSize() * Float.BYTES);
        try (GptPolicy whole = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                GptPolicy chunked = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                GptPolicy micro = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                GptPolicy reference = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                AdamW adamWhole = new AdamW(whole.parameters(), linear, base);
                AdamW adamChunked = new AdamW(chunked.parameters(), linear, base);
                AdamW adamMicro = new AdamW(micro.parameters(), linear, base)) {
            reference.parameters().get(0).array().muli(0.9f);
            GrpoUpdateResult a = new GrpoUpdater(new WholeLogitsPolicy(whole), reference, adamWhole,
                    new GrpoLoss(settings), 0.7f, TOKENIZER.padId()).update(batch);
            GrpoUpdateResult b = new GrpoUpdater(chunked, reference, adamChunked, new GrpoLoss(settings), 0.7f,
                    TOKENIZER.padId(), Long.MAX_VALUE, threeRows).update(batch);
            GrpoUpdateResult c = new GrpoUpdater(micro, reference, adamMicro, new GrpoLoss(settings), 0.7f,
                    TOKENIZER.padId(), 1, threeRows).update(batch); // micro-batches of one row
            for (GrpoUpdateResult r : List.of(b, c)) {
                assertEquals(a.loss(), r.loss(), 1e-5f);
                assertEquals(a.gradNorm(), r.gradNorm(), 1e-4f * a.gradNorm());
                assertEquals(a.diagnostics().meanKl(), r.diagnostics().meanKl(), 1e-6f);
            }
            java.nio.FloatBuffer wa = whole.exportWeights().toByteBuffer().asFloatBuffer();
            java.nio.FloatBuffer wb = chunked.exportWeights().toByteBuffer().asFloatBuffer();
            java.nio.FloatBuffer wc = micro.exportWeights().toByteBuffer().asFloatBuffer();
            for (int i = 0; i < wa.limit(); i++) {
                assertEquals(wa.get(i), wb.get(i), 1e-6f, "chunked weight " + i);
                assertEquals(wa.get(i), wc.get(i), 1e-6f, "micro-batched weight " + i);
            }
        }
    }

    /**
     * The mismatch is measured against the policy before its update, fresh samples apart: GOOD's behaviour log-prob
     * is the policy's own minus ln 1.6 (w = 1.6, drawn by this version), BAD's its own plus ln 2 (w = 0.5, two
     * versions old). With tis at C = 1.5, GOOD's token is the one over the cap.
     */
    @Test
    void shouldMeasureTheRolloutMismatchBeforeTheUpdate() {
        GrpoSettings settings = new GrpoSettings(0.2, 0.2, 0.0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0)
                .withCorrection(new RolloutCorrection(RolloutCorrection.Mode.TIS, 1.5));
        float ln16 = (float) Math.log(1.6);
        float ln2 = (float) Math.log(2);
        try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            GrpoUpdater updater = new GrpoUpdater(policy, null, adam, new GrpoLoss(settings), 1f, TOKENIZER.padId());
            GrpoUpdateResult r = updater.update(List.of(
                    new GrpoSample(PROMPT, GOOD, new float[] {logProb(GOOD) - ln16}, 1f, 0),
                    new GrpoSample(PROMPT, BAD, new float[] {logProb(BAD) + ln2}, -1f, 2)));
            RolloutMismatch.Figures all = r.mismatch().all();
            assertEquals(2, all.tokens());
            assertEquals((ln2 - ln16) / 2, all.kl(), 1e-5, "k1: mean of lb - ll");
            assertEquals((ln16 + ln2) / 2, all.meanAbsLogDiff(), 1e-5);
            assertEquals(ln2, all.maxAbsLogDiff(), 1e-5);
            assertEquals((1.6 - 1 - ln16 + 0.5 - 1 + ln2) / 2, all.k3(), 1e-5);
            RolloutMismatch.Figures fresh = r.mismatch().fresh();
            assertEquals(1, fresh.tokens(), "only GOOD was drawn by the learner's version");
            assertEquals(-ln16, fresh.kl(), 1e-5);
            assertEquals(0.5f, r.diagnostics().correctedFraction(), 1e-6f, "GOOD's w = 1.6 over the cap");
        }
    }

    /** The correction's weights come from each micro-batch's own rows: micro-batches take the whole batch's step. */
    @Test
    void shouldTakeTheSameCorrectedStepInMicroBatchesAsInOne() {
        AdamWSettings linear = new AdamWSettings(1e-2, 0.9, 0.99, 1.0, 0.0, 0.0);
        List<GrpoSample> batch = List.of(
                new GrpoSample(TOKENIZER.encode("12+3="), TOKENIZER.encode("15"), new float[] {-4f, -3f}, 1.2f, 0),
                new GrpoSample(PROMPT, GOOD, new float[] {-4.5f}, -0.3f, 1),
                new GrpoSample(TOKENIZER.encode("9-1="), TOKENIZER.encode("8 ok"), new float[] {-4f, -4f, -5f, -4f},
                        0.7f, 0),
                new GrpoSample(PROMPT, BAD, new float[] {-4f}, -1.6f, 3));
        GrpoSettings settings = new GrpoSettings(0.2, 0.28, 0.0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0)
                .withCorrection(new RolloutCorrection(RolloutCorrection.Mode.MIS, 1.05));
        try (GptPolicy whole = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                GptPolicy micro = GptPolicy.create(GptConfig.tiny(TOKENIZER.vocabSize()), base);
                AdamW adamWhole = new AdamW(whole.parameters(), linear, base);
                AdamW adamMicro = new AdamW(micro.parameters(), linear, base)) {
            GrpoUpdateResult a = new GrpoUpdater(whole, null, adamWhole, new GrpoLoss(settings), 1f,
                    TOKENIZER.padId()).update(batch);
            GrpoUpdateResult b = new GrpoUpdater(micro, null, adamMicro, new GrpoLoss(settings), 1f,
                    TOKENIZER.padId(), 1).update(batch);
            assertTrue(a.diagnostics().correctedFraction() > 0 && a.diagnostics().correctedFraction() < 1,
                    "some tokens masked, not all: " + a.diagnostics().correctedFraction());
            assertEquals(a.diagnostics().correctedFraction(), b.diagnostics().correctedFraction(), 1e-6f);
            assertEquals(a.loss(), b.loss(), 1e-5f);
            assertEquals(a.gradNorm(), b.gradNorm(), 1e-4f * a.gradNorm());
            assertEquals(a.mismatch().all().kl(), b.mismatch().all().kl(), 1e-5);
            assertEquals(a.mismatch().all().maxAbsLogDiff(), b.mismatch().all().maxAbsLogDiff(), 1e-6);
            assertEquals(a.mismatch().fresh().tokens(), b.mismatch().fresh().tokens());
            assertEquals(6, a.mismatch().fresh().tokens(), "the two fresh rows' completion tokens");
        }
    }

    /** The correction's and the measurement's arrays live in the step's scope: none outlives it. */
    @Test
    void shouldLeaveNoArrayBehindWhenCorrectingAndMeasuring() {
        GrpoSettings settings = new GrpoSettings(0.2, 0.2, 0.0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0)
                .withCorrection(new RolloutCorrection(RolloutCorrection.Mode.MIS, 1.5));
        try (AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-2), base)) {
            GrpoUpdater updater = new GrpoUpdater(policy, null, adam, new GrpoLoss(settings), 1f, TOKENIZER.padId(),
                    1); // micro-batches of one row: the split path too
            List<GrpoSample> batch = List.of(new GrpoSample(PROMPT, GOOD, new float[] {-4f}, 1f, 0),
                    new GrpoSample(PROMPT, BAD, new float[] {-3f}, -1f, 1));
            updater.update(batch);
            int before = Engines.liveArrays(base);
            for (int i = 0; i < 3; i++) {
                updater.update(batch);
            }
            assertEquals(before, Engines.liveArrays(base));
        }
    }

    private float logProb(int[] completion) {
        int[] seq = new int[PROMPT.length + completion.length];
        System.arraycopy(PROMPT, 0, seq, 0, PROMPT.length);
        System.arraycopy(completion, 0, seq, PROMPT.length, completion.length);
        ComputeThreads.stopRecording();
        try (NDManager scope = base.newSubManager()) {
            float[] lp = policy.tokenLogProbs(scope.create(seq, new Shape(1, seq.length)), 1f).toFloatArray();
            return lp[lp.length - 1];
        }
    }
}
