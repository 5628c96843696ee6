package dev.aha.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.runtime.grpo.GrpoDiagnostics;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.grpo.RolloutMismatch;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LearnerMetricsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final GrpoUpdateResult RESULT =
            new GrpoUpdateResult(0.5f, 2f, new GrpoDiagnostics(0.01f, 0.1f, 0.2f, 1.0f, 0f, 10), 4);

    /** A clock the test moves by hand. */
    private long now = 100 * SECOND;

    private LearnerMetrics metrics(long firstVersion, double wallBefore) {
        return new LearnerMetrics(firstVersion, wallBefore, () -> now);
    }

    /** Two completions: rewards {1, 0}, lengths {3, 1}; sampled at version {@code v} by {@code rollout}. */
    private static ScoredGroup group(String rollout, long v, long samplingNanos, long sampledAtMicros,
            long receivedMicros) {
        SampledGroup g = new SampledGroup(7, 0, rollout, v, "p", "1", new int[] {1}, new int[][] {{1, 2, 3}, {4}},
                new float[][] {{0, 0, 0}, {0}}, new String[] {"a", "b"}, new boolean[2], sampledAtMicros,
                receivedMicros, samplingNanos);
        return new ScoredGroup(g, new double[] {1, 0}, new float[] {1, -1}, new double[] {1, 0}, new double[] {1, 1},
                0);
    }

    @Test
    void aStepLineAveragesTheBatchAndCountsThroughputSinceThePreviousStep() {
        LearnerMetrics m = metrics(0, 0);
        ScoredGroup a = group("r0", 0, SECOND, 0, 0);
        ScoredGroup b = group("r1", 0, SECOND, 0, 0);
        now += SECOND;
        m.arrived(a.group());
        m.arrived(b.group());
        now += SECOND;
        StepMetrics s = m.step(1, 1, 0, List.of(a, b), RESULT, SECOND / 2, 0);

        assertEquals(0.5, s.rewardMean(), 1e-9);
        assertEquals(0.5, s.rewardStd(), 1e-9);
        assertEquals(0.5, s.accuracy(), 1e-9);
        assertEquals(1.0, s.formatRate(), 1e-9);
        assertEquals(2.0, s.responseLength(), 1e-9);
        assertEquals(1.0, s.groupsPerSecond(), 1e-9, "2 groups over the 2 s since the segment started");
        assertEquals(4.0, s.sampledTokensPerSecond(), 1e-9, "8 completion tokens over 2 s");
        assertEquals(4.0, s.usedTokensPerSecond(), 1e-9, "the batch's 8 tokens over 2 s");
        assertEquals(Map.of(0, 4L), s.stalenessHistogram(), "completions per lag");
        assertEquals(0.25, s.learnerBusyFraction(), 1e-9, "0.5 s busy over 2 s");
        assertEquals(2.0, s.wallSeconds(), 1e-9);

        now += 2 * SECOND;
        StepMetrics next = m.step(2, 2, 1, List.of(group("r0", 0, 0, 0, 0)), RESULT, 0, 0);
        assertEquals(0.5, next.groupsPerSecond(), 1e-9, "1 group over the 2 s since the previous step");
        assertEquals(0.0, next.sampledTokensPerSecond(), 1e-9, "nothing arrived since the previous step");
        assertEquals(2.0, next.usedTokensPerSecond(), 1e-9, "the batch's 4 tokens (sampled before) over 2 s");
        assertEquals(Map.of(1, 2L), next.stalenessHistogram(), "only this step's batch");
        assertEquals(new TreeMap<>(Map.of(0, 2L, 1, 1L)), m.timings().staleness(), "groups per lag, whole segment");
    }

    /** R1's last stage: the rules' and the reward model's parts of the reward, each averaged over the batch. */
    @Test
    void theRuleAndModelPartsOfTheRewardAreAveragedApart() {
        LearnerMetrics m = metrics(0, 0);
        ScoredGroup rules = group("r0", 0, SECOND, 0, 0); // rewards {1, 0}, no model part
        ScoredGroup g = group("r1", 0, SECOND, 0, 0);
        ScoredGroup both = new ScoredGroup(g.group(), new double[] {1.5, -0.25}, new float[] {1, -1},
                new double[] {1, 0}, new double[] {1, 1}, 0, new double[] {0.5, -0.25});
        now += SECOND;
        StepMetrics s = m.step(1, 1, 0, List.of(rules, both), RESULT, 0, 0);
        assertEquals((1 + 0 + 1.5 - 0.25) / 4, s.rewardMean(), 1e-9);
        assertEquals(0.25 / 4, s.rewardModelMean(), 1e-9);
        assertEquals((1 + 0 + 1 + 0) / 4.0, s.rewardRuleMean(), 1e-9);
    }

    @Test
    void samplingRateIsTokensOverTheTimeTheRolloutsSpentSamplingThem() {
        LearnerMetrics m = metrics(0, 0);
        now += 10 * SECOND;
        // 4 tokens each: one group took 1 s to sample, the other 3 s; the wall time between steps does not count
        m.arrived(group("r0", 0, SECOND, 0, 0).group());
        m.arrived(group("r1", 0, 3 * SECOND, 0, 0).group());
        StepMetrics s = m.step(1, 1, 0, List.of(), RESULT, 0, 0);
        assertEquals(2.0, s.samplingTokensPerSecond(), 1e-9, "8 tokens over 4 s of sampling");

        now += SECOND;
        StepMetrics next = m.step(2, 2, 1, List.of(), RESULT, 0, 0);
        assertEquals(0.0, next.samplingTokensPerSecond(), 1e-9, "nothing arrived since the previous step");
    }

    @Test
    void rolloutBusyFractionCountsEveryRolloutSeenIncludingOnesThatJoinedLater() {
        LearnerMetrics m = metrics(0, 0);
        // r0 samples for the whole 10 s; r1, on a node that joined at 6 s, samples its 4 s.
        now += 10 * SECOND;
        m.arrived(group("r0", 0, 10 * SECOND, 0, 0).group());
        m.arrived(group("r1", 0, 4 * SECOND, 0, 0).group());
        StepMetrics s = m.step(1, 1, 0, List.of(), RESULT, 0, 0);
        assertEquals(2, m.rolloutsSeen());
        assertEquals(1.0, s.rolloutBusyFraction(), 1e-9, "both were busy the whole time they were there");

        // r2 joins at 19 s and sends one 1 s group at 20 s; r0 and r1 have been idle since 10 s
        now += 10 * SECOND;
        m.arrived(group("r2", 0, SECOND, 0, 0).group());
        StepMetrics later = m.step(2, 2, 1, List.of(), RESULT, 0, 0);
        // busy 10 + 4 + 1 = 15 s over r0 20 s + r1 14 s + r2 1 s = 35 s
        assertEquals(15.0 / 35.0, later.rolloutBusyFraction(), 1e-9);
    }

    @Test
    void weightSyncIsRecordedOncePerRolloutAndVersionAndNotForTheFirstVersion() {
        LearnerMetrics m = metrics(3, 0);
        m.published(3, 1_000);
        m.published(4, 2_000);
        // version 3 is where the segment started: a rollout receiving it was joining, not syncing
        m.step(4, 4, 3, List.of(group("r0", 3, 0, 5_000, 1_500)), RESULT, 0, 10_000);
        assertEquals(0, m.timings().weightSyncMicros().getTotalCount());
        m.step(5, 5, 4, List.of(group("r0", 4, 0, 5_000, 2_700), group("r0", 4, 0, 5_000, 9_999)), RESULT, 0,
                10_000);
        assertEquals(1, m.timings().weightSyncMicros().getTotalCount(), "r0 synced version 4 once");
        assertEquals(700, m.timings().weightSyncMicros().getMaxValue(), 1);
        assertEquals(3, m.timings().sampleToUseMicros().getTotalCount(), "every used group");
        assertEquals(5_000, m.timings().sampleToUseMicros().getMaxValue(), 5);
    }

    @Test
    void latenciesFromSkewedClocksAreClampedAtZero() {
        LearnerMetrics m = metrics(0, 0);
        m.published(1, 5_000);
        m.step(1, 2, 1, List.of(group("r0", 1, 0, 20_000, 4_000)), RESULT, 0, 10_000);
        assertEquals(0, m.timings().weightSyncMicros().getMaxValue(), "received before published: clock skew");
        assertEquals(0, m.timings().sampleToUseMicros().getMaxValue(), "used before sampled: clock skew");
    }

    @Test
    void wallSecondsContinueAResumedRun() {
        LearnerMetrics m = metrics(0, 120.0);
        now += 3 * SECOND;
        assertEquals(123.0, m.wallSeconds(), 1e-9);
    }

    @Test
    void theProgressLineShowsTheStepTheRewardAndTheBusyFractions() {
        LearnerMetrics m = metrics(0, 0);
        now += SECOND;
        String line = LearnerMetrics.progressLine(m.step(1, 1, 0, List.of(group("r0", 0, 0, 0, 0)), RESULT,
                SECOND / 2, 0));
        assertTrue(line.startsWith("step 1 v1 | reward 0.500 acc 0.500 fmt 1.000"), line);
        assertTrue(line.contains("learner 50%"), line);
        assertTrue(line.contains("| tok/s 0 sampled 4 used"), line); // nothing arrived since the start
    }

    /** The trainer's mismatch figures reach the step line, and the progress line shows k1 and the share over cap. */
    @Test
    void theRolloutMismatchIsInTheStepLineAndOneFigureOfItInTheProgressLine() {
        RolloutMismatch mismatch = new RolloutMismatch(new RolloutMismatch.Figures(10, 0.02, 0.3, 0.0012, 0.0011),
                new RolloutMismatch.Figures(4, 0.01, 0.05, 0.0004, 0.0004));
        GrpoUpdateResult corrected = new GrpoUpdateResult(0.5f, 2f,
                new GrpoDiagnostics(0.01f, 0.1f, 0.2f, 1.0f, 0f, 10, 0.25f), 4, false, mismatch);
        LearnerMetrics m = metrics(0, 0);
        StepMetrics s = m.step(1, 1, 0, List.of(group("r0", 0, 0, 0, 0)), corrected, 0, 0);
        assertEquals(mismatch, s.mismatch());
        assertEquals(0.25, s.correctedFraction(), 1e-7);
        assertTrue(LearnerMetrics.progressLine(s).endsWith("| rollout KL 1.2e-03 (25.0% over cap)"),
                LearnerMetrics.progressLine(s));

        GrpoUpdateResult uncorrected = new GrpoUpdateResult(0.5f, 2f, RESULT.diagnostics(), 4, false, mismatch);
        assertTrue(LearnerMetrics.progressLine(m.step(2, 2, 1, List.of(), uncorrected, 0, 0))
                .endsWith("| rollout KL 1.2e-03"));
        String simulated = LearnerMetrics.progressLine(m.step(3, 3, 2, List.of(), RESULT, 0, 0));
        assertFalse(simulated.contains("rollout KL"), "nothing measured, nothing said: " + simulated);
    }

    /** Groups dropped before a batch (stale, uniform, duplicate) were sampled but never used. */
    @Test
    void sampledTokensCountEveryGroupThatArrivedAndUsedTokensTheBatchOnly() {
        LearnerMetrics m = metrics(0, 0);
        ScoredGroup used = group("r0", 0, 0, 0, 0);
        m.arrived(used.group());
        m.arrived(group("r1", 0, 0, 0, 0).group()); // dropped: never in a batch
        now += SECOND;
        StepMetrics s = m.step(1, 1, 0, List.of(used), RESULT, 0, 0);
        assertEquals(8.0, s.sampledTokensPerSecond(), 1e-9);
        assertEquals(4.0, s.usedTokensPerSecond(), 1e-9);
        assertEquals(new LearnerMetrics.Tokens(8, 4, 0), m.tokens());
    }

    /** Tokens sampled after an in-flight update: from where the second version span starts. */
    @Test
    void usedTokensAfterAnUpdateCountFromTheNewerVersionsFirstToken() {
        LearnerMetrics m = metrics(0, 0);
        SampledGroup g = new SampledGroup(7, 0, "r0", 2, "p", "1", new int[] {1}, new int[][] {{1, 2, 3, 4}, {5}},
                new float[][] {{0, 0, 0, 0}, {0}}, new String[] {"a", "b"}, new boolean[2], 0, 0, 0,
                new long[][] {{2, 0, 3, 1, 4, 3}, {}});
        ScoredGroup s = new ScoredGroup(g, new double[] {1, 0}, new float[] {1, -1}, new double[] {1, 0},
                new double[] {1, 1}, 0);
        m.arrived(g);
        m.step(1, 5, 4, List.of(s), RESULT, 0, 0);
        assertEquals(new LearnerMetrics.Tokens(5, 5, 3), m.tokens());
    }

    /** A group of two whose rewards are equal: both right, or both wrong. */
    private static ScoredGroup uniform(boolean right) {
        ScoredGroup g = group("r0", 0, 0, 0, 0);
        double r = right ? 1 : 0;
        return new ScoredGroup(g.group(), new double[] {r, r}, new float[2], new double[] {r, r}, new double[] {1, 1},
                0);
    }

    @Test
    void uniformGroupsAreCountedForTheRunAndForTheNextStepLineOnly() {
        LearnerMetrics m = metrics(0, 0);
        assertEquals(1, m.droppedUniform(uniform(true)));
        assertEquals(2, m.droppedUniform(uniform(false)));
        assertEquals(3, m.droppedUniform(uniform(true)), "the drops since the last step");
        now += 4 * SECOND;
        assertEquals(new UniformDrops(3, 2, 1, 4.0), m.uniformDrops());
        StepMetrics first = m.step(1, 1, 0, List.of(group("r0", 0, 0, 0, 0)), RESULT, 0, 0);
        assertEquals(3, first.groupsDroppedUniform());
        assertEquals(new UniformDrops(0, 0, 0, 0.0), m.uniformDrops(), "a step starts the count again");
        assertEquals(1, m.droppedUniform(uniform(false)));
        StepMetrics second = m.step(2, 2, 1, List.of(group("r0", 1, 0, 0, 0)), RESULT, 0, 0);
        assertEquals(1, second.groupsDroppedUniform());
        assertEquals(0, m.step(3, 3, 2, List.of(), RESULT, 0, 0).groupsDroppedUniform());
        assertEquals(4, m.groupsDroppedUniform(), "the segment's total");
        assertTrue(LearnerMetrics.progressLine(second).endsWith("| 1 uniform dropped"),
                LearnerMetrics.progressLine(second));
        assertFalse(LearnerMetrics.progressLine(first).contains("overlong"), "nothing masked, nothing said");
    }

    @Test
    void completionsTheUpdateDidNotTrainOnAreCountedAsMaskedByOverlongFiltering() {
        LearnerMetrics m = metrics(0, 0);
        List<ScoredGroup> batch = List.of(group("r0", 0, 0, 0, 0), group("r1", 0, 0, 0, 0)); // 4 completions
        assertEquals(0, m.step(1, 1, 0, batch, RESULT, 0, 0).overlongMasked(), "all 4 trained on");
        GrpoUpdateResult three = new GrpoUpdateResult(0.5f, 2f, RESULT.diagnostics(), 3);
        StepMetrics s = m.step(2, 2, 1, batch, three, 0, 0);
        assertEquals(1, s.overlongMasked());
        assertTrue(LearnerMetrics.progressLine(s).endsWith("| 1 overlong masked"), LearnerMetrics.progressLine(s));
    }

    @Test
    void stepsWithANonFiniteLossOrGradientAreCounted() {
        LearnerMetrics m = metrics(0, 0);
        GrpoUpdateResult nan = new GrpoUpdateResult(Float.NaN, Float.NaN, RESULT.diagnostics(), 4);
        GrpoUpdateResult inf = new GrpoUpdateResult(0.5f, Float.POSITIVE_INFINITY, RESULT.diagnostics(), 4);
        m.step(1, 1, 0, List.of(), nan, 0, 0);
        m.step(2, 2, 1, List.of(), RESULT, 0, 0);
        m.step(3, 3, 2, List.of(), inf, 0, 0);
        assertEquals(2, m.nonFiniteSteps());
        assertEquals(3, m.history().size());
    }

    @Test
    void updatesTheOptimiserSkippedAreCountedInEachLineAndSaid() {
        LearnerMetrics m = metrics(0, 0);
        GrpoUpdateResult skipped = new GrpoUpdateResult(Float.NaN, Float.NaN, RESULT.diagnostics(), 4, true);
        StepMetrics first = m.step(1, 1, 0, List.of(), RESULT, 0, 0);
        StepMetrics second = m.step(2, 2, 1, List.of(), skipped, 0, 0);
        StepMetrics third = m.step(3, 3, 2, List.of(), RESULT, 0, 0);
        assertEquals(List.of(0L, 1L, 1L), List.of(first.optimizerSkippedSteps(), second.optimizerSkippedSteps(),
                third.optimizerSkippedSteps()), "so far in the segment, per line");
        assertEquals(1, m.optimizerSkippedSteps());
        assertTrue(LearnerMetrics.progressLine(second).endsWith("| 1 updates skipped (non-finite gradient)"),
                LearnerMetrics.progressLine(second));
        assertFalse(LearnerMetrics.progressLine(first).contains("skipped"));
    }
}
