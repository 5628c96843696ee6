package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RewardMessage;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.WeightListener;
import dev.aha.protocol.weights.WeightSnapshot;
import dev.aha.protocol.weights.WireDtype;
import dev.aha.runtime.backend.RolloutEngine;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A decode step that throws: every group in the engine at that moment is reported to the dispatcher as failed, and
 * the rollout goes on with new leases on the real engine.
 */
class RolloutFailureTest {

    private ActorTestKit kit;

    @AfterEach
    void tearDown() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
    }

    /** The real engine, whose {@code failAt}-th step throws once. */
    private record FailingOnce(RolloutEngine real, int failAt, int[] steps) implements RolloutEngine {
        @Override
        public List<FinishedGroup<Long>> step() {
            if (++steps[0] == failAt) {
                throw new IllegalStateException("the device fell over");
            }
            return real.step();
        }

        @Override
        public long weightBytes() {
            return real.weightBytes();
        }

        @Override
        public void loadWeights(FlatWeights flat, long version) {
            real.loadWeights(flat, version);
        }

        @Override
        public int maxSequences() {
            return real.maxSequences();
        }

        @Override
        public int freeSlots() {
            return real.freeSlots();
        }

        @Override
        public boolean idle() {
            return real.idle();
        }

        @Override
        public void admit(long ticket, int[] prompt, int groupSize, long seed) {
            real.admit(ticket, prompt, groupSize, seed);
        }

        @Override
        public List<Long> abandonAll() {
            return real.abandonAll();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** Version 0 of the policy's initial weights, handed to every subscriber at once. */
    private record OneVersion(FlatWeights weights) implements WeightPlane {
        @Override
        public void publish(long version, FlatWeights image) {}

        @Override
        public AutoCloseable subscribe(String name, long byteLength, WeightListener listener) {
            listener.onReady(new WeightSnapshot(0, weights.asReadOnly(), 0, WireDtype.F32));
            return () -> {};
        }

        @Override
        public void close() {}
    }

    @Test
    void aFailedDecodeStepFailsEveryGroupInFlightAndTheRolloutCarriesOn() {
        RunConfig config = PipelineFixture.config("aha.train.rollout-queue = 1");
        kit = ActorTestKit.create("rollout-failure", config.pekko());
        Cluster cluster = Cluster.get(kit.system());
        TestProbe<SelfUp> up = kit.createTestProbe();
        cluster.subscriptions().tell(Subscribe.create(up.ref(), SelfUp.class));
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        up.expectMessageClass(SelfUp.class, Duration.ofSeconds(10));

        TestProbe<DispatcherMessage> dispatcher = kit.createTestProbe();
        TestProbe<RewardMessage> rewards = kit.createTestProbe();
        kit.system().receptionist().tell(Receptionist.register(Dispatcher.KEY, dispatcher.ref()));
        kit.system().receptionist().tell(Receptionist.register(Reward.KEY, rewards.ref()));
        FlatWeights initial;
        ComputeThreads.prepare(1);
        try (NDManager m = NDManager.newBaseManager(); Policy p = config.policy().create(m)) {
            initial = p.exportWeights();
        }
        try (RunResources run = RunResources.open(config)) {
            int[] steps = {0};
            kit.spawn(Rollout.create("rollout-x", run, new OneVersion(initial), 1, 1,
                    () -> new FailingOnce(Backends.engine(config, run.tokenizer(), 1), 3, steps)), "rollout-x");

            RequestWork ask = dispatcher.expectMessageClass(RequestWork.class, Duration.ofSeconds(20));
            ActorRef<RolloutWork> rollout = ask.replyTo();
            int g = config.train().groupSize();
            rollout.tell(new RolloutWork(1, 0, "1+2=", "3", g, 0));
            rollout.tell(new RolloutWork(2, 0, "2+2=", "4", g, 0));

            Set<Long> failed = new HashSet<>();
            while (failed.size() < 2) {
                DispatcherMessage m = dispatcher.receiveMessage(Duration.ofSeconds(20));
                if (m instanceof LeaseFailed f) {
                    assertTrue(f.error().contains("the device fell over"), f.error());
                    failed.add(f.promptId());
                }
            }
            assertEquals(Set.of(1L, 2L), failed, "both groups in the engine failed with the step");

            rollout.tell(new RolloutWork(3, 0, "3+2=", "5", g, 0));
            SampledGroup done = rewards.expectMessageClass(SampledGroup.class, Duration.ofSeconds(30));
            assertEquals(3, done.promptId(), "the rollout carried on with the next lease");
            assertEquals(g, done.groupSize());
        }
    }
}
