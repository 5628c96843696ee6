package dev.aha.actors.telemetry;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/** What a reward actor reports: the groups it scored, the completions whose reward function threw. */
public final class RewardTelemetry {

    private final CounterDataPoint groups;
    private final CounterDataPoint failures;
    private final NodeTotals totals;

    RewardTelemetry(PipelineMetrics m, String node, NodeTotals totals) {
        this.totals = totals;
        groups = m.groupsScored.labelValues(node, "reward");
        failures = m.rewardFailures.labelValues(node, "reward");
        failures.inc(0);
    }

    public void scored(int failedCompletions) {
        groups.inc();
        failures.inc(failedCompletions);
        totals.groupsScored.increment();
        totals.rewardFailures.add(failedCompletions);
    }
}
