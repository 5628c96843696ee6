package dev.aha.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.grpo.RolloutMismatch;
import dev.aha.runtime.metrics.StepMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MembershipThroughputTest {

    private static final long ORIGIN = 1_000_000_000L;

    private static MembershipLog.Change change(double atSeconds, String kind, int rolloutNodes) {
        return new MembershipLog.Change(ORIGIN + (long) (atSeconds * 1e9), kind, "pekko://aha@127.0.0.1:1",
                Set.of("rollout"), rolloutNodes);
    }

    private static List<StepMetrics> stepsEvery(double from, double to, double interval) {
        List<StepMetrics> steps = new ArrayList<>();
        long n = 0;
        for (double t = from; t < to; t += interval) {
            steps.add(new StepMetrics(++n, n, t, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 100, new TreeMap<>(), 0, 0, 0, 0, 0, 0,
                    0, 0, 0, RolloutMismatch.NONE, 0));
        }
        return steps;
    }

    @Test
    void ratesAreMeasuredBetweenTheFirstAndLastStepOfEachStretch() {
        // 2 rollout nodes from 5 s (a step every 2 s), 3 from 40 s (every 1 s), 2 again from 80 s after a loss
        List<MembershipLog.Change> changes = List.of(change(0, "up", 0), change(5, "up", 1), change(5.1, "up", 2),
                change(40, "up", 3), change(80, "unreachable", 2), change(85, "lost", 2));
        List<StepMetrics> steps = new ArrayList<>(stepsEvery(10, 40, 2));
        steps.addAll(stepsEvery(40.5, 80, 1));
        steps.addAll(stepsEvery(81, 100, 2));
        ObjectNode summary = new ObjectMapper().createObjectNode();

        MembershipThroughput.write(summary, changes, steps, ORIGIN, 0, 8);

        assertEquals(4.0, summary.get("groups_per_second_by_rollout_nodes").get("2").asDouble(), 1e-9,
                "8 groups every 2 s, in both stretches with two nodes");
        assertEquals(8.0, summary.get("groups_per_second_by_rollout_nodes").get("3").asDouble(), 1e-9);
        assertEquals(7, summary.get("steps_after_last_node_lost").asLong(), "steps at 87, 89, ... 99 s");
        assertFalse(summary.get("throughput_by_membership").get(0).has("groups_per_second"),
                "no steps before the rollouts came: no rate");
    }

    @Test
    void nodeRolesParseAndRejectUnknownNames() {
        assertEquals(Set.of(NodeRole.ROLLOUT, NodeRole.REWARD), NodeRole.parse("rollout, reward"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeRole.parse("rollouts"));
        assertEquals("unknown role 'rollouts': expected learner, dispatcher, rollout, reward", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeRole.parse(" , "));
    }

    @Test
    void aSeedAddressMustBeHostAndPort() {
        assertThrows(IllegalArgumentException.class,
                () -> new ClusterNode("127.0.0.1", 0, Set.of(NodeRole.ROLLOUT), "127.0.0.1", false));
        assertEquals(List.of("pekko://aha@10.0.0.1:25520"),
                new ClusterNode("127.0.0.1", 0, Set.of(NodeRole.ROLLOUT), "10.0.0.1:25520", false)
                        .applyTo(com.typesafe.config.ConfigFactory.empty()).getStringList("pekko.cluster.seed-nodes"));
    }
}
