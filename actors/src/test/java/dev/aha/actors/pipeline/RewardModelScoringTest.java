package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.protocol.pipeline.LearnerMessage;
import dev.aha.protocol.pipeline.RewardMessage;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.reward.RewardSettings;
import dev.aha.runtime.reward.TargetScript;
import dev.aha.runtime.rm.LearnedReward;
import dev.aha.runtime.rm.ModelReward;
import dev.aha.runtime.rm.RewardModel;
import dev.aha.runtime.rm.RewardModelSettings;
import dev.aha.runtime.rm.RewardModelSource;
import dev.aha.runtime.rm.RewardModelSources;
import dev.aha.runtime.rm.RewardRoute;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import dev.aha.actors.telemetry.Telemetry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reward actor with the node's reward model: the model's part joins the rules' (or replaces them) as the route
 * says, and a group the model scores NaN is dropped, never sent to the learner.
 */
class RewardModelScoringTest {

    @TempDir
    static Path dir;

    private static ActorTestKit kit;
    private static TestProbe<LearnerMessage> learner;
    private static Path model;
    private static Path nanModel;

    @BeforeAll
    static void setUp() {
        ComputeThreads.prepare(1);
        GptFactory factory = new GptFactory(new GptConfig(new CharTokenizer().vocabSize(), 64, 32, 1, 2, 2, 3L));
        try (NDManager base = NDManager.newBaseManager(); Policy policy = factory.create(base)) {
            new CheckpointStore(dir.resolve("sft"), 1).describing(factory.describe().put("tokenizer", "char"))
                    .savePolicy(1, policy, new ObjectMapper().createObjectNode());
            RewardModelSource start = RewardModelSources.open(dir.resolve("sft"), 64, 0);
            try (RewardModel rm = start.create(base, 5)) {
                model = start.write(rm, dir.resolve("rm"), SafetensorsDType.F32);
                rm.parameters().get(rm.parameters().size() - 1).array().set(new NDIndex("..."), Float.NaN);
                nanModel = start.write(rm, dir.resolve("nan-rm"), SafetensorsDType.F32);
            }
        }
        kit = ActorTestKit.create("reward-model-test");
        learner = kit.createTestProbe(LearnerMessage.class);
        kit.system().receptionist().tell(Receptionist.register(Learner.KEY, learner.ref()));
    }

    @AfterAll
    static void tearDown() {
        kit.shutdownTestKit();
    }

    /** The node's aha_reward_groups_dropped, every reward actor's together. */
    private static double dropped() {
        for (MetricSnapshot s : Telemetry.get(kit.system()).registry().scrape()) {
            if (s.getMetadata().getName().equals("aha_reward_groups_dropped")) {
                return ((CounterSnapshot) s).getDataPoints().stream().mapToDouble(p -> p.getValue()).sum();
            }
        }
        throw new AssertionError("aha_reward_groups_dropped is not served");
    }

    private static ModelReward host(Path path, RewardRoute route) {
        return ModelReward.start(new RewardModelSettings(route, path.toString(), RewardModelSettings.Scope.FULL, 0.5,
                RewardModelSettings.Normalize.NONE, 64), 64, Device.cpu());
    }

    private static SampledGroup group() {
        return group(null);
    }

    /** Two completions of "1+2", the first right, routed by {@code reward} (null: the node's route). */
    private static SampledGroup group(String reward) {
        String[] texts = {"<think>1+2=3</think> <answer>3</answer>", "<think>1+2=4</think> <answer>4</answer>"};
        return new SampledGroup(7, 0, "r", 0, "1+2", "3", new int[] {1}, new int[][] {{1}, {1}},
                new float[][] {{0f}, {0f}}, texts, new boolean[2], 0, 0, 0, new long[2][0], reward);
    }

    private static ActorRef<RewardMessage> spawn(ModelReward reward) {
        RewardSettings rules = new RewardSettings(1.0, 0.0, 0.0, TargetScript.LATIN, ExtractMode.STRICT, false);
        return kit.spawn(Reward.create(rules.compose(), GrpoSettings.paper(), null, reward));
    }

    @Test
    void shouldAddTheModelsPartToTheRulesOrUseItAlone() throws Exception {
        try (ModelReward both = host(model, RewardRoute.BOTH); ModelReward alone = host(model, RewardRoute.MODEL)) {
            double[] parts = both.score("1+2", group().completionTexts()).get().parts();
            spawn(both).tell(group());
            ScoredGroup summed = learner.expectMessageClass(ScoredGroup.class, Duration.ofSeconds(20));
            assertArrayEquals(new double[] {1 + parts[0], parts[1]}, summed.rewards(), 1e-9,
                    "the right answer's rule reward 1, plus half the model's score");
            assertArrayEquals(parts, summed.modelRewards(), 1e-12, "the model's part travels on for the metrics");
            spawn(alone).tell(group());
            ScoredGroup modelOnly = learner.expectMessageClass(ScoredGroup.class, Duration.ofSeconds(20));
            assertArrayEquals(parts, modelOnly.rewards(), 1e-9);
            assertEquals(0, modelOnly.rewardFailures());
        }
    }

    /** R1's last stage: the row's route wins over the node's. */
    @Test
    void shouldFollowEachGroupsOwnRoute() throws Exception {
        try (ModelReward both = host(model, RewardRoute.BOTH)) {
            double[] parts = both.score("1+2", group().completionTexts()).get().parts();
            ActorRef<RewardMessage> scorer = spawn(both);
            scorer.tell(group("rule"));
            assertArrayEquals(new double[] {1, 0}, learner.expectMessageClass(ScoredGroup.class,
                    Duration.ofSeconds(20)).rewards(), 1e-9);
            scorer.tell(group("model"));
            assertArrayEquals(parts, learner.expectMessageClass(ScoredGroup.class, Duration.ofSeconds(20)).rewards(),
                    1e-9);
        }
        spawn(null).tell(group("model"));
        learner.expectNoMessage(Duration.ofMillis(500)); // no model on this node: dropped, never scored 0
        spawn(null).tell(group("judge"));
        learner.expectNoMessage(Duration.ofMillis(500)); // not a route: dropped at the boundary
    }

    /** A judge's output with no rating: that completion's learned part is 0, and it counts as a reward failure. */
    @Test
    void aJudgeWithoutARatingIsACountedFailure() {
        Reward.CompletionScore[] rules = {new Reward.CompletionScore(1, 1, 0, null),
            new Reward.CompletionScore(0, 0, 0, null)};
        LearnedReward.Scores judged = new LearnedReward.Scores(new double[] {0.7, 0}, new String[] {null, "no rating"});
        java.util.List<RuntimeException> errors = new java.util.ArrayList<>();
        ScoredGroup s = Reward.assemble(group(), LearnedScoring.withFailures(rules, judged), GrpoSettings.paper(),
                errors::add, judged.parts(), true);
        assertEquals(1, s.rewardFailures());
        assertEquals("no rating", errors.get(0).getMessage());
        assertArrayEquals(new double[] {1.7, 0}, s.rewards(), 1e-12);
        assertNull(rules[1].error(), "the rules' own scores are left as they were");
    }

    @Test
    void shouldDropAGroupTheModelScoresNaNAndCountIt() {
        double before = dropped();
        try (ModelReward nan = host(nanModel, RewardRoute.BOTH)) {
            spawn(nan).tell(group());
            learner.expectNoMessage(Duration.ofSeconds(2));
        }
        assertEquals(before + 1, dropped(), "counted in aha_reward_groups_dropped");
        assertNull(LearnedScoring.problem(new double[] {1, 2}, null, true));
        assertTrue(LearnedScoring.problem(new double[] {1, Double.POSITIVE_INFINITY}, null, true).contains("Infinity"));
        assertTrue(LearnedScoring.problem(null, new IllegalStateException("gone"), true).contains("failed"));
    }
}
