package dev.aha.actors.telemetry;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/**
 * What a reward actor reports: the groups it scored, the completions whose reward function threw, the groups it
 * dropped unscored.
 */
public final class RewardTelemetry {

    private final CounterDataPoint groups;
    private final CounterDataPoint failures;
    private final CounterDataPoint dropped;
    private final NodeTotals totals;

    RewardTelemetry(PipelineMetrics m, String node, NodeTotals totals) {
        this.totals = totals;
        groups = m.groupsScored.labelValues(node, "reward");
        failures = m.rewardFailures.labelValues(node, "reward");
        failures.inc(0);
        dropped = m.rewardGroupsDropped.labelValues(node, "reward");
        dropped.inc(0);
    }

    /** A group dropped unscored, never sent to the learner. */
    public void dropped() {
        dropped.inc();
    }

    public void scored(int failedCompletions) {
        groups.inc();
        failures.inc(failedCompletions);
        totals.groupsScored.increment();
        totals.rewardFailures.add(failedCompletions);
    }
}
