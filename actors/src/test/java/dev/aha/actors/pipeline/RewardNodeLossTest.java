package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.TrainSettings;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.LearnerMessage;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RewardMessage;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.protocol.pipeline.WorkDone;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.reward.CompositeReward;
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
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reward node that dies while its reward model scores a group: the group never reaches the learner, its lease
 * times out, the dispatcher hands the prompt out again, and another reward node's model scores the new attempt, so
 * no prompt is lost. The node's death is its reward actor stopped while the model's scores are still on the way.
 */
class RewardNodeLossTest {

    @TempDir
    static Path dir;

    private static ActorTestKit kit;
    private static ModelReward model;

    @BeforeAll
    static void setUp() {
        ComputeThreads.prepare(1);
        GptFactory factory = new GptFactory(new GptConfig(new CharTokenizer().vocabSize(), 64, 32, 1, 2, 2, 3L));
        Path rm;
        try (NDManager base = NDManager.newBaseManager(); Policy policy = factory.create(base)) {
            new CheckpointStore(dir.resolve("sft"), 1).describing(factory.describe().put("tokenizer", "char"))
                    .savePolicy(1, policy, new ObjectMapper().createObjectNode());
            RewardModelSource start = RewardModelSources.open(dir.resolve("sft"), 64, 0);
            try (RewardModel m = start.create(base, 5)) {
                rm = start.write(m, dir.resolve("rm"), SafetensorsDType.F32);
            }
        }
        model = ModelReward.start(new RewardModelSettings(RewardRoute.MODEL, rm.toString(),
                RewardModelSettings.Scope.FULL, 1, RewardModelSettings.Normalize.NONE, 64), 64, Device.cpu());
        kit = ActorTestKit.create("reward-node-loss-test", AhaConfig.load());
        Cluster cluster = Cluster.get(kit.system());
        TestProbe<SelfUp> up = kit.createTestProbe();
        cluster.subscriptions().tell(Subscribe.create(up.ref(), SelfUp.class));
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        up.expectMessageClass(SelfUp.class, Duration.ofSeconds(10));
    }

    @AfterAll
    static void tearDown() {
        kit.shutdownTestKit();
        model.close();
    }

    /** The node's model, its scores held back until the node is gone; says when it was asked. */
    private record Dying(LearnedReward model, CountDownLatch asked) implements LearnedReward {
        @Override
        public RewardRoute route() {
            return model.route();
        }

        @Override
        public CompletableFuture<Scores> score(String prompt, String[] completions) {
            asked.countDown();
            return model.score(prompt, completions).thenApplyAsync(s -> s,
                    CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
        }

        @Override
        public void close() {}
    }

    private static SampledGroup group(RolloutWork w) {
        String[] texts = {"Thank you for the map, Ada!", "Whatever."};
        return new SampledGroup(w.promptId(), w.attempt(), "r", 0, w.prompt(), w.referenceAnswer(), new int[] {1},
                new int[][] {{1}, {1}}, new float[][] {{0f}, {0f}}, texts, new boolean[2], 0, 0, 0, new long[2][0],
                "model");
    }

    @Test
    void aGroupLostWithItsRewardNodeIsHandedOutAgainAndScoredElsewhere() throws Exception {
        TrainSettings settings = TrainSettings.fromConfig(ConfigFactory.parseString("aha.train { group-size = 2, "
                + "batch-groups = 1, max-in-flight-groups = 1, lease-timeout = 300ms }")
                .withFallback(AhaConfig.load()).getConfig("aha.train"));
        AtomicLong drawn = new AtomicLong();
        ActorRef<DispatcherMessage> dispatcher = kit.spawn(Dispatcher.create(settings, () -> {
            long i = drawn.getAndIncrement();
            return new TaskPrompt("p" + i, "Thank Ada for the map.", "", null);
        }, PromptTemplate.of("{question}"), 0, 0));
        TestProbe<LearnerMessage> learner = kit.createTestProbe(LearnerMessage.class);
        kit.system().receptionist().tell(Receptionist.register(Learner.KEY, learner.ref()));
        CompositeReward rules = new RewardSettings(1.0, 0.0, 0.0, TargetScript.LATIN, ExtractMode.STRICT, false)
                .compose();
        TestProbe<RolloutWork> first = kit.createTestProbe(RolloutWork.class);
        TestProbe<RolloutWork> second = kit.createTestProbe(RolloutWork.class);
        dispatcher.tell(new RequestWork("first", 0, 1, first.ref()));
        dispatcher.tell(new RequestWork("second", 0, 1, second.ref()));
        RolloutWork lease = first.receiveMessage(Duration.ofSeconds(5));

        Dying dying = new Dying(model, new CountDownLatch(1));
        ActorRef<RewardMessage> doomed = kit.spawn(Reward.create(rules, GrpoSettings.paper(), null, dying));
        doomed.tell(group(lease));
        assertTrue(dying.asked().await(5, TimeUnit.SECONDS), "the model was scoring the group");
        kit.stop(doomed); // the node dies mid-scoring

        RolloutWork again = second.receiveMessage(Duration.ofSeconds(5));
        assertEquals(lease.promptId(), again.promptId(), "the same prompt, handed out again");
        assertEquals(lease.attempt() + 1, again.attempt());
        ActorRef<RewardMessage> survivor = kit.spawn(Reward.create(rules, GrpoSettings.paper(), null, model));
        survivor.tell(group(again));
        ScoredGroup scored = learner.expectMessageClass(ScoredGroup.class, Duration.ofSeconds(10));
        assertEquals(again.attempt(), scored.group().attempt(), "the new attempt's scores reach the learner");
        learner.expectNoMessage(Duration.ofMillis(1200)); // the dead node's scores never arrive
        dispatcher.tell(new WorkDone(again.promptId(), again.attempt(), WorkDone.Outcome.USED));

        TestProbe<DispatcherStats> stats = kit.createTestProbe();
        dispatcher.tell(new Dispatcher.GetStats(stats.ref()));
        DispatcherStats s = stats.receiveMessage();
        assertEquals(1, s.used(), s.toString());
        assertTrue(s.reissued() >= 1, s.toString());
        assertEquals(0, s.lost(), s.toString());
    }
}
