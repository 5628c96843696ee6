package dev.aha.actors.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.StepMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Throughput between membership changes: the run is cut wherever the number of reachable rollout nodes changed, and
 * each piece's rate is measured from its first learner step to its last ((steps - 1) x batch groups over that
 * time), so start-up and the moments of change are not counted against either side.
 */
public final class MembershipThroughput {

    /** A stretch of the run with a constant number of reachable rollout nodes. */
    record Segment(double fromSeconds, double toSeconds, int rolloutNodes, int steps, double firstStep,
            double lastStep) {

        double groupsPerSecond(int batchGroups) {
            return steps >= 2 && lastStep > firstStep ? (steps - 1) * batchGroups / (lastStep - firstStep) : Double.NaN;
        }
    }

    private MembershipThroughput() {}

    static List<Segment> segments(List<MembershipLog.Change> changes, List<StepMetrics> steps, long originNanos,
            double originWallSeconds) {
        List<double[]> cuts = new ArrayList<>(); // {time, rollout nodes from then on}
        int current = -1;
        for (MembershipLog.Change c : changes) {
            if (c.rolloutNodes() != current) {
                current = c.rolloutNodes();
                cuts.add(new double[] {originWallSeconds + (c.atNanos() - originNanos) / 1e9, current});
            }
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < cuts.size(); i++) {
            double from = i == 0 ? Double.NEGATIVE_INFINITY : cuts.get(i)[0];
            double to = i + 1 < cuts.size() ? cuts.get(i + 1)[0] : Double.POSITIVE_INFINITY;
            int n = 0;
            double first = Double.NaN;
            double last = Double.NaN;
            for (StepMetrics m : steps) {
                if (m.wallSeconds() >= from && m.wallSeconds() < to) {
                    if (n++ == 0) {
                        first = m.wallSeconds();
                    }
                    last = m.wallSeconds();
                }
            }
            segments.add(new Segment(Math.max(originWallSeconds, cuts.get(i)[0]), to, (int) cuts.get(i)[1], n, first,
                    last));
        }
        return segments;
    }

    /** Adds throughput_by_membership, groups_per_second_by_rollout_nodes and steps_after_last_node_lost. */
    public static void write(ObjectNode summary, List<MembershipLog.Change> changes, List<StepMetrics> steps,
            long originNanos, double originWallSeconds, int batchGroups) {
        List<Segment> segments = segments(changes, steps, originNanos, originWallSeconds);
        ArrayNode list = summary.putArray("throughput_by_membership");
        Map<Integer, double[]> byNodes = new TreeMap<>(); // rollout nodes -> {groups, seconds}
        for (Segment s : segments) {
            ObjectNode o = list.addObject();
            o.put("from_s", round(s.fromSeconds()));
            if (Double.isFinite(s.toSeconds())) {
                o.put("to_s", round(s.toSeconds()));
            }
            o.put("rollout_nodes", s.rolloutNodes());
            o.put("steps", s.steps());
            double rate = s.groupsPerSecond(batchGroups);
            if (Double.isFinite(rate)) {
                o.put("groups_per_second", round(rate));
                double[] acc = byNodes.computeIfAbsent(s.rolloutNodes(), k -> new double[2]);
                acc[0] += (s.steps() - 1) * (double) batchGroups;
                acc[1] += s.lastStep() - s.firstStep();
            }
        }
        ObjectNode rates = summary.putObject("groups_per_second_by_rollout_nodes");
        byNodes.forEach((nodes, acc) -> rates.put(String.valueOf(nodes), round(acc[0] / acc[1])));
        double lastLoss = changes.stream().filter(c -> c.kind().equals("lost"))
                .mapToDouble(c -> originWallSeconds + (c.atNanos() - originNanos) / 1e9).max().orElse(Double.NaN);
        if (Double.isFinite(lastLoss)) {
            summary.put("steps_after_last_node_lost", steps.stream().filter(m -> m.wallSeconds() > lastLoss).count());
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
