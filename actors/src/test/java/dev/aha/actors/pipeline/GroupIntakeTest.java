package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.runtime.grpo.GroupAdvantages;
import dev.aha.runtime.grpo.GrpoSample;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The learner's gate: hostile or broken groups are dropped and counted, never trained on or thrown on. */
class GroupIntakeTest {

    private static final int VOCAB = 50;

    private static ScoredGroup group(long promptId, long version) {
        int[][] tokens = {{3, 4, 5}, {6, 7}};
        float[][] logProbs = {{-1f, -0.5f, -0.1f}, {-2f, -0.2f}};
        SampledGroup g = new SampledGroup(promptId, 0, "rollout-0", version, "p", "1", new int[] {1, 2}, tokens,
                logProbs, new String[] {"a", "b"}, new boolean[2], 0, 0, 0);
        return new ScoredGroup(g, new double[] {1, 0}, new float[] {1, -1}, new double[] {1, 0}, new double[] {1, 1},
                0);
    }

    private static ScoredGroup withGroup(ScoredGroup s, UnaryOperator<Object[]> change) {
        SampledGroup g = s.group();
        Object[] f = {g.promptId(), g.attempt(), g.rolloutId(), g.policyVersion(), g.prompt(), g.referenceAnswer(),
                g.promptTokens(), g.completions(), g.behaviourLogProbs(), g.completionTexts()};
        f = change.apply(f);
        SampledGroup changed = new SampledGroup((long) f[0], (int) f[1], (String) f[2], (long) f[3], (String) f[4],
                (String) f[5], (int[]) f[6], (int[][]) f[7], (float[][]) f[8], (String[]) f[9],
                g.truncated(), 0, 0, 0);
        return new ScoredGroup(changed, s.rewards(), s.advantages(), s.accuracy(), s.format(), s.rewardFailures());
    }

    private static Object[] set(Object[] f, int i, Object v) {
        Object[] c = f.clone();
        c[i] = v;
        return c;
    }

    /** Every way a peer can send a group the learner must not use, each with the words of its problem. */
    private static final List<Object[]> HOSTILE = List.of(
            new Object[] {withGroup(group(1, 0), f -> set(f, 0, -1L)), "negative"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 3, 9L)), "newer than the learner"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 6, new int[] {1, VOCAB})), "outside the vocabulary"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 6, new int[] {-1})), "outside the vocabulary"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 7, new int[][] {{3, 4, 5}, {6, 99}})), "outside"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 7, new int[][] {{3, 4}, {6, 7}})), "log-probs"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 8, new float[][] {{-1f, Float.NaN, 0f}, {-1f, -1f}})),
                "log-prob of NaN"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 8, new float[][] {{-1f, 5f, 0f}, {-1f, -1f}})),
                "log-prob of 5.0"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 9, new String[] {"a", null})), "without its text"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 7, new int[][] {{3, 4, 5}, null})), "without its tokens"},
            new Object[] {withGroup(group(1, 0), f -> set(f, 4, null)), "no prompt"},
            new Object[] {new ScoredGroup(group(1, 0).group(), new double[] {1}, new float[] {1, -1},
                new double[] {1, 0}, new double[] {1, 1}, 0), "one per completion"},
            new Object[] {new ScoredGroup(group(1, 0).group(), new double[] {1, 0}, new float[] {Float.NaN, 0},
                new double[] {1, 0}, new double[] {1, 1}, 0), "not finite"},
            new Object[] {new ScoredGroup(group(1, 0).group(), new double[] {1, 0}, new float[] {1, -1},
                new double[] {1, 0}, new double[] {1, 1}, 7), "reward failures"},
            new Object[] {new ScoredGroup(null, new double[0], new float[0], new double[0], new double[0], 0),
                "no group"},
            new Object[] {new ScoredGroup(episode(new boolean[][] {{true, false}, {}}), new double[] {1, 0},
                new float[] {1, -1}, new double[] {1, 0}, new double[] {1, 1}, 0), "policy-token flags"});

    /** {@link #group}'s completions as episodes whose policy-token flags are {@code policy}. */
    private static SampledGroup episode(boolean[][] policy) {
        SampledGroup g = group(1, 0).group();
        return new SampledGroup(g.promptId(), g.attempt(), g.rolloutId(), g.policyVersion(), g.prompt(),
                g.referenceAnswer(), g.promptTokens(), g.completions(), g.behaviourLogProbs(), g.completionTexts(),
                g.truncated(), 0, 0, 0, g.versionSpans(), policy, null);
    }

    @Test
    void anEpisodesObservationsReachTheLossFlaggedAsNotThePolicys() {
        boolean[] flags = {true, false, true};
        ScoredGroup s = new ScoredGroup(episode(new boolean[][] {flags, {}}), new double[] {1, 0},
                new float[] {1, -1}, new double[] {1, 0}, new double[] {1, 1}, 0);
        List<GrpoSample> samples = GroupIntake.samples(List.of(s), false, 0);
        assertArrayEquals(flags, samples.get(0).policyTokens());
        assertEquals(0, samples.get(1).policyTokens().length, "a single-turn completion is all the policy's");
    }

    @Test
    void hostileGroupsAreDroppedAndCountedWithTheirProblem() {
        GroupIntake intake = new GroupIntake(4, 2, VOCAB);
        for (Object[] c : HOSTILE) {
            assertEquals(GroupIntake.Verdict.INVALID, intake.offer((ScoredGroup) c[0], 3), (String) c[1]);
            assertNotNull(intake.lastProblem());
            assertTrue(intake.lastProblem().contains((String) c[1]), c[1] + " / " + intake.lastProblem());
        }
        assertEquals(HOSTILE.size(), intake.invalid());
        assertEquals(GroupIntake.Verdict.ADDED, intake.offer(group(1, 3), 3), "a valid group still gets in");
    }

    @Test
    void randomCorruptionOfAValidGroupIsNeverAdmitted() {
        Random rng = new Random(11);
        GroupIntake intake = new GroupIntake(1_000, 2, VOCAB);
        int tried = 0;
        for (int i = 0; i < 1_000; i++) {
            ScoredGroup s = group(i, 1);
            int[][] tokens = s.group().completions();
            float[][] logProbs = s.group().behaviourLogProbs();
            switch (rng.nextInt(3)) {
                case 0 -> tokens[rng.nextInt(2)][0] = rng.nextBoolean() ? VOCAB + rng.nextInt(1 << 20)
                        : -1 - rng.nextInt(1 << 20);
                case 1 -> logProbs[rng.nextInt(2)][0] = rng.nextBoolean() ? Float.NaN
                        : rng.nextBoolean() ? Float.NEGATIVE_INFINITY : 1 + rng.nextFloat() * 100;
                default -> s.advantages()[rng.nextInt(2)] = rng.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
            }
            assertEquals(GroupIntake.Verdict.INVALID, intake.offer(s, 1));
            tried++;
        }
        assertEquals(tried, intake.invalid());
    }

    @Test
    void duplicatesAndStaleGroupsAreKeptOutOfTheBatch() {
        GroupIntake intake = new GroupIntake(2, 1, VOCAB);
        assertEquals(GroupIntake.Verdict.ADDED, intake.offer(group(1, 5), 5));
        assertEquals(GroupIntake.Verdict.DUPLICATE, intake.offer(group(1, 5), 5), "already in this batch");
        assertEquals(GroupIntake.Verdict.STALE, intake.offer(group(2, 3), 5), "2 versions behind, max 1");
        assertEquals(GroupIntake.Verdict.BATCH_FULL, intake.offer(group(3, 4), 5));
        assertEquals(2, intake.take().size());
        assertEquals(GroupIntake.Verdict.DUPLICATE, intake.offer(group(3, 5), 5), "already trained on");
        assertEquals(2, intake.duplicates());
        assertEquals(1, intake.stale());
    }

    /** A valid group of two with these rewards (advantages as the reward actor computes them). */
    private static ScoredGroup scored(long promptId, long version, double... rewards) {
        ScoredGroup s = group(promptId, version);
        return new ScoredGroup(s.group(), rewards, GroupAdvantages.compute(rewards, true, 1e-4), rewards,
                new double[] {1, 1}, 0);
    }

    @Test
    void withDynamicSamplingAUniformGroupIsDroppedCountedAndTheBatchStillFills() {
        GroupIntake intake = new GroupIntake(2, 1, VOCAB, true);
        assertEquals(GroupIntake.Verdict.UNIFORM, intake.offer(scored(1, 0, 1, 1), 0), "all right");
        assertEquals(GroupIntake.Verdict.UNIFORM, intake.offer(scored(2, 0, 0, 0), 0), "all wrong");
        assertEquals(GroupIntake.Verdict.ADDED, intake.offer(scored(3, 0, 1, 0), 0));
        assertEquals(GroupIntake.Verdict.UNIFORM, intake.offer(scored(4, 0, 0.2, 0.2), 0));
        assertEquals(GroupIntake.Verdict.BATCH_FULL, intake.offer(scored(5, 0, 0, 1.2), 0));
        assertEquals(List.of(3L, 5L), intake.take().stream().map(s -> s.group().promptId()).toList(),
                "a full batch of groups that carry signal");
        assertEquals(3, intake.uniform());
        assertEquals(GroupIntake.Verdict.DUPLICATE, intake.offer(scored(2, 0, 1, 0), 0),
                "the dropped prompt's lease is closed: a late group of another attempt is a duplicate");
    }

    @Test
    void theOtherChecksDecideFirstSoADroppedGroupIsCountedOnce() {
        GroupIntake intake = new GroupIntake(4, 1, VOCAB, true);
        assertEquals(GroupIntake.Verdict.STALE, intake.offer(scored(1, 0, 1, 1), 5), "stale, not uniform");
        assertEquals(GroupIntake.Verdict.ADDED, intake.offer(scored(2, 5, 1, 0), 5));
        assertEquals(GroupIntake.Verdict.DUPLICATE, intake.offer(scored(2, 5, 1, 1), 5), "duplicate, not uniform");
        assertEquals(0, intake.uniform());
        assertEquals(1, intake.stale());
        assertEquals(1, intake.duplicates());
    }

    @Test
    void withoutDynamicSamplingNothingIsDroppedForBeingUniform() {
        GroupIntake intake = new GroupIntake(2, 1, VOCAB);
        assertEquals(GroupIntake.Verdict.ADDED, intake.offer(scored(1, 0, 1, 1), 0));
        assertEquals(GroupIntake.Verdict.BATCH_FULL, intake.offer(scored(2, 0, 0, 0), 0));
        assertEquals(2, intake.take().size());
        assertEquals(0, intake.uniform());
    }

    /** Group 1: a finished and a truncated completion; group 2: both truncated. */
    private static List<ScoredGroup> partlyTruncated() {
        ScoredGroup a = group(1, 0);
        ScoredGroup b = group(2, 0);
        a.group().truncated()[1] = true;
        b.group().truncated()[0] = true;
        b.group().truncated()[1] = true;
        return List.of(a, b);
    }

    @Test
    void overlongFilteringMasksTruncatedCompletionsOutOfTheLoss() {
        List<ScoredGroup> batch = partlyTruncated();
        List<GrpoSample> masked = GroupIntake.samples(batch, true, 0);
        assertEquals(1, masked.size(), "only the completion that ended on its own");
        assertArrayEquals(batch.get(0).group().completions()[0], masked.get(0).completion());
        assertEquals(batch.get(0).advantages()[0], masked.get(0).advantage(),
                "its advantage is the group's, computed with the truncated completion's reward in the group");

        List<GrpoSample> all = GroupIntake.samples(batch, false, 0);
        assertEquals(4, all.size(), "filter off: every completion is in the loss");
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(batch.get(i / 2).group().completions()[i % 2], all.get(i).completion());
        }
    }

    /** Fresh-only mismatch figures need each sample's lag behind the version the step trains. */
    @Test
    void eachSampleCarriesHowManyVersionsItsGroupLagsTheStep() {
        List<GrpoSample> samples = GroupIntake.samples(List.of(group(1, 4), group(2, 6)), false, 6);
        assertEquals(List.of(2, 2, 0, 0), samples.stream().map(GrpoSample::staleness).toList());
        assertEquals(List.of(false, false, true, true), samples.stream().map(GrpoSample::fresh).toList());
    }

    @Test
    void aBatchCutOffEntirelyLeavesNothingForTheLoss() {
        List<ScoredGroup> batch = partlyTruncated();
        batch.get(0).group().truncated()[0] = true;
        assertTrue(GroupIntake.samples(batch, true, 0).isEmpty(), "the learner makes no update then");
    }

    @Test
    void aLeaseARolloutCannotSampleIsRefusedWithItsProblem() {
        assertEquals(null, MessageChecks.leaseProblem(new RolloutWork(3, 0, "p", "1", 8, 0)));
        assertTrue(MessageChecks.leaseProblem(new RolloutWork(3, 0, "p", "1", 1 << 20, 0)).contains("a group of"));
        assertTrue(MessageChecks.leaseProblem(new RolloutWork(3, 0, "p", "1", 1, 0)).contains("a group of 1"));
        assertTrue(MessageChecks.leaseProblem(new RolloutWork(3, 0, null, "1", 8, 0)).contains("no prompt"));
        assertTrue(MessageChecks.leaseProblem(new RolloutWork(-3, 0, "p", "1", 8, 0)).contains("negative"));
    }
}
