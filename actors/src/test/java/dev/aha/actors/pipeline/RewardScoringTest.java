package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.LossAggregation;
import dev.aha.runtime.grpo.OverlongShaping;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.RewardFunction;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.reward.RewardRange;
import dev.aha.runtime.reward.WeightedReward;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** What a completion whose reward fails is worth: 0, counted, the error kept; never the actor's death. */
class RewardScoringTest {

    private static CompositeReward rule(ToDoubleFunction<String> score) {
        RewardFunction f = new RewardFunction() {
            @Override
            public String name() {
                return "rule";
            }

            @Override
            public RewardRange range() {
                return RewardRange.UNIT;
            }

            @Override
            public double score(RewardInput input) {
                return score.applyAsDouble(input.completion());
            }
        };
        return new CompositeReward(List.of(new WeightedReward(f, 1)));
    }

    private static SampledGroup group(String... texts) {
        int[][] tokens = new int[texts.length][];
        float[][] logProbs = new float[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            tokens[i] = new int[] {1};
            logProbs[i] = new float[] {0f};
        }
        return new SampledGroup(0, 0, "r", 0, "p", "1", new int[] {1}, tokens, logProbs, texts,
                new boolean[texts.length], 0, 0, 0);
    }

    @Test
    void anEnvironmentsRewardIsAddedToTheRulesAndNaNLeavesThemAlone() {
        SampledGroup g = group("a", "b", "c");
        SampledGroup episodes = new SampledGroup(g.promptId(), g.attempt(), g.rolloutId(), g.policyVersion(),
                g.prompt(), g.referenceAnswer(), g.promptTokens(), g.completions(), g.behaviourLogProbs(),
                g.completionTexts(), g.truncated(), 0, 0, 0, g.versionSpans(), new boolean[3][0],
                new dev.aha.protocol.pipeline.GroupEpisodes(new double[] {0.5, Double.NaN, -1}, new int[] {2, 1, 3},
                        new int[] {1, 0, 2}, new int[] {0, 0, 1}, new boolean[3], 0));
        ScoredGroup s = Reward.score(episodes, rule(t -> 1.0), GrpoSettings.paper(), e -> { });
        assertArrayEquals(new double[] {1.5, 1.0, 0.0}, s.rewards(), 1e-12);
    }

    @Test
    void theGroupsAdvantagesAreTheChosenAlgorithms() {
        SampledGroup g = group("yes", "half", "no");
        CompositeReward reward = rule(t -> switch (t) {
            case "yes" -> 1.0;
            case "half" -> 0.5;
            default -> 0.0;
        });
        GrpoSettings rloo = GrpoSettings.paper().withAlgorithm(dev.aha.runtime.grpo.Algorithm.RLOO);
        assertArrayEquals(new float[] {0.75f, 0f, -0.75f}, Reward.score(g, reward, rloo, e -> { }).advantages(),
                1e-7f, "leave-one-out");
        GrpoSettings pp = GrpoSettings.paper().withAlgorithm(dev.aha.runtime.grpo.Algorithm.REINFORCE_PP);
        assertArrayEquals(new float[] {1f, 0.5f, 0f}, Reward.score(g, reward, pp, e -> { }).advantages(),
                "the outcomes, normalised over the batch by the learner");
        assertArrayEquals(new float[] {1f, 0f, -1f}, Reward.score(g, reward, GrpoSettings.paper(), e -> { })
                .advantages(), 1e-3f, "grpo: (r - 0.5) / (0.5 + 1e-4)");
    }

    @Test
    void aNonFiniteRewardIsThatCompletionsErrorNotTheGroups() {
        List<RuntimeException> errors = new ArrayList<>();
        ScoredGroup s = Reward.score(group("good", "nan", "bad"), rule(t -> switch (t) {
            case "nan" -> Double.NaN;
            case "bad" -> Double.POSITIVE_INFINITY;
            default -> 1.0;
        }), GrpoSettings.paper(), errors::add);
        assertEquals(2, s.rewardFailures());
        assertArrayEquals(new double[] {1, 0, 0}, s.rewards());
        assertEquals(2, errors.size());
        for (float a : s.advantages()) {
            assertTrue(Float.isFinite(a), "advantages stay finite");
        }
    }

    /** Completions of these lengths, each scored 1 by the rule. */
    private static SampledGroup ofLengths(int... lengths) {
        SampledGroup g = group(new String[lengths.length]);
        for (int i = 0; i < lengths.length; i++) {
            g.completions()[i] = new int[lengths[i]];
            g.behaviourLogProbs()[i] = new float[lengths[i]];
            g.completionTexts()[i] = "c" + i;
        }
        return g;
    }

    @Test
    void theSoftOverlongPunishmentIsAddedToEachCompletionsReward() {
        GrpoSettings grpo = new GrpoSettings(0.2, 0.28, 0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0, false,
                new OverlongShaping(12, 4, 1.0, false));
        ScoredGroup s = Reward.score(ofLengths(3, 8, 10, 12), rule(t -> 1.0), grpo, e -> { });
        assertArrayEquals(new double[] {1, 1, 0.5, 0}, s.rewards(), 1e-12, "free up to 8 tokens, -1 at 12");
        assertTrue(s.advantages()[0] > 0 && s.advantages()[3] < 0, "the long ones now lose to the short ones");

        ScoredGroup off = Reward.score(ofLengths(3, 8, 10, 12), rule(t -> 1.0), GrpoSettings.paper(), e -> { });
        assertArrayEquals(new double[] {1, 1, 1, 1}, off.rewards(), "no buffer: lengths change nothing");
    }

    @Test
    void aCompletionWhoseRuleFailsIsStillPunishedForItsLength() {
        GrpoSettings grpo = new GrpoSettings(0.2, 0.28, 0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0, false,
                new OverlongShaping(12, 4, 1.0, false));
        ScoredGroup s = Reward.score(ofLengths(12, 2), rule(t -> {
            throw new IllegalStateException("broken");
        }), grpo, e -> { });
        assertArrayEquals(new double[] {-1, 0}, s.rewards(), 1e-12);
        assertEquals(2, s.rewardFailures());
    }

    @Test
    void aThrowingRuleKeepsItsClassAndMessage() {
        List<RuntimeException> errors = new ArrayList<>();
        ScoredGroup s = Reward.score(group("a", "b"), rule(t -> {
            throw new UnsupportedOperationException("no rule for " + t);
        }), GrpoSettings.paper(), errors::add);
        assertEquals(2, s.rewardFailures());
        assertEquals(UnsupportedOperationException.class, errors.get(0).getClass());
        assertEquals("no rule for a", errors.get(0).getMessage());
    }

    /** A code run the pool refused (its queue full) or that failed on the pool is that completion's 0, counted. */
    @Test
    void aRunThePoolRefusedIsACountedFailure() {
        List<RuntimeException> errors = new ArrayList<>();
        Reward.CompletionScore refused = Reward.CompletionScore.failed(new java.util.concurrent.CompletionException(
                new java.util.concurrent.RejectedExecutionException("the code-run queue is full")));
        Reward.CompletionScore checked = Reward.CompletionScore.failed(new java.io.IOException("pipe"));
        Reward.CompletionScore fine = Reward.CompletionScore.of(rule(t -> 1.0), group("a", "b", "c"), 2);
        ScoredGroup s = Reward.assemble(group("a", "b", "c"), new Reward.CompletionScore[] {refused, checked, fine},
                GrpoSettings.paper(), errors::add);
        assertArrayEquals(new double[] {0, 0, 1}, s.rewards());
        assertEquals(2, s.rewardFailures());
        assertTrue(errors.get(0) instanceof java.util.concurrent.RejectedExecutionException, errors.toString());
        assertTrue(errors.get(1).getCause() instanceof java.io.IOException, errors.toString());
    }
}
