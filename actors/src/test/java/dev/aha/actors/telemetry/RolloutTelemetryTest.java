package dev.aha.actors.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aha.protocol.pipeline.GroupEpisodes;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

/** A rollout's episodes reach the node's counters; a single-turn group leaves them at 0, and still served. */
class RolloutTelemetryTest {

    private static double counter(NodeTelemetry t, String name) {
        for (MetricSnapshot s : t.registry().scrape()) {
            if (s.getMetadata().getName().equals(name)) {
                return ((CounterSnapshot) s).getDataPoints().stream().mapToDouble(p -> p.getValue()).sum();
            }
        }
        throw new AssertionError(name + " is not served");
    }

    @Test
    void episodesTurnsToolCallsAndErrorsAreCounted() {
        NodeTelemetry t = new NodeTelemetry();
        RolloutTelemetry rollout = t.rollout();
        rollout.sampled(40, null);
        assertEquals(0, counter(t, "aha_rollout_episodes"));
        assertEquals(0, counter(t, "aha_rollout_tool_errors"));
        rollout.sampled(90, new GroupEpisodes(new double[] {1, Double.NaN}, new int[] {3, 1}, new int[] {2, 0},
                new int[] {1, 0}, new boolean[2], 5_000));
        assertEquals(2, counter(t, "aha_rollout_groups_sampled"));
        assertEquals(130, counter(t, "aha_rollout_sampled_tokens"));
        assertEquals(2, counter(t, "aha_rollout_episodes"));
        assertEquals(4, counter(t, "aha_rollout_episode_turns"));
        assertEquals(2, counter(t, "aha_rollout_tool_calls"));
        assertEquals(1, counter(t, "aha_rollout_tool_errors"));
    }
}
