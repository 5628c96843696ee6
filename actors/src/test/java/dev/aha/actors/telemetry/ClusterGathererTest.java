package dev.aha.actors.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.cluster.ClusterNode;
import dev.aha.actors.cluster.NodeRole;
import dev.aha.protocol.pipeline.GroupEpisodes;
import dev.aha.protocol.telemetry.NodeReport;
import dev.aha.runtime.config.AhaConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one JVM over Artery: the seed's gatherer asks the joining node's reporter, whose report crosses the
 * wire (Kryo), and the seed's live view holds it. A report that is not sane is dropped and counted.
 */
class ClusterGathererTest {

    private static Config config(ClusterNode node) {
        return node.applyTo(ConfigFactory.parseString("pekko.cluster.jmx.multi-mbeans-in-same-jvm = on")
                .withFallback(AhaConfig.load()));
    }

    private static ActorSystem<Void> system(Behavior<Void> guardian, ClusterNode node, NodeTelemetry t) {
        return ActorSystem.create(guardian, ClusterNode.SYSTEM,
                ActorSystemSetup.create(BootstrapSetup.create(config(node)), Telemetry.setup(t)));
    }

    @Test
    void theSeedGathersAJoiningNodesOwnFigures() throws Exception {
        NodeTelemetry seedTelemetry = new NodeTelemetry();
        NodeTelemetry workerTelemetry = new NodeTelemetry();
        ClusterNode seed = new ClusterNode("127.0.0.1", 0, EnumSet.of(NodeRole.LEARNER, NodeRole.DISPATCHER), null,
                false);
        ActorSystem<Void> a = system(Behaviors.setup(ctx -> {
            ctx.spawn(TelemetryReporter.create(), "telemetry");
            ctx.spawn(ClusterGatherer.create(Duration.ofMillis(300)), "gatherer");
            return Behaviors.empty();
        }), seed, seedTelemetry);
        ActorSystem<Void> b = null;
        try {
            seed.join(a);
            String seedAddress = Telemetry.get(a).node();
            ClusterNode worker = new ClusterNode("127.0.0.1", 0, Set.of(NodeRole.ROLLOUT), seedAddress, false);
            b = system(Behaviors.setup(ctx -> {
                ctx.spawn(TelemetryReporter.create(), "telemetry");
                return Behaviors.empty();
            }), worker, workerTelemetry);
            RolloutTelemetry rollout = Telemetry.get(b).rollout();
            rollout.sampled(120);
            rollout.sampled(80, new GroupEpisodes(new double[] {0, 0}, new int[] {3, 5}, new int[] {2, 4},
                    new int[] {0, 1}, new boolean[] {false, false}, 0));
            rollout.version(3);
            String workerAddress = Telemetry.get(b).node();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            NodeReport got = null;
            while (System.nanoTime() < deadline && got == null) {
                got = seedTelemetry.live().nodes().get(workerAddress);
                Thread.sleep(100);
            }
            assertTrue(got != null, "no report from " + workerAddress + ": " + seedTelemetry.live().nodes());
            assertEquals(2, got.groupsSampled());
            assertEquals(200, got.sampledTokens());
            assertEquals(3, got.rolloutVersion());
            assertEquals(2, got.episodes(), "a multi-turn group's episodes travel with the report");
            assertEquals(8, got.episodeTurns());
            assertEquals(6, got.toolCalls());
            assertEquals(1, got.toolErrors());
            assertEquals("rollout", got.roles());
            assertTrue(seedTelemetry.live().nodes().containsKey(seedAddress), "the seed reports to itself too");
        } finally {
            if (b != null) {
                b.terminate();
            }
            a.terminate();
            a.getWhenTerminated().toCompletableFuture().get();
            if (b != null) {
                b.getWhenTerminated().toCompletableFuture().get();
            }
        }
    }

    @Test
    void aReportThatIsNotSaneIsDroppedAndCounted() {
        NodeTelemetry t = new NodeTelemetry();
        t.gathered(new NodeReport("10.0.0.2:25520", "rollout", -1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        t.gathered(new NodeReport(null, "rollout", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        t.gathered(new NodeReport("10.0.0.2:25520", "rollout", 1, 0, Double.NaN, 0, 0, 0, 0, 0, 0, 0));
        t.gathered(new NodeReport("10.0.0.2:25520", "rollout", 1, 0, 0, 0, 0, 0, 2, 8, -6, 1));
        assertEquals(4, t.invalidReports());
        assertTrue(t.live().nodes().isEmpty());
        t.gathered(new NodeReport("10.0.0.2:25520", "rollout", 1, 10, 0.5, 0, 0, 2, 0, 0, 0, 0));
        assertEquals(1, t.live().nodes().size());
        t.live().keepNodes(Set.of("10.0.0.3:25520"));
        assertTrue(t.live().nodes().isEmpty(), "a node whose reporter left is forgotten");
    }
}
