package dev.aha.actors.telemetry;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/** What a rollout reports: the groups and tokens it sampled, its decode time, the version it samples with. */
public final class RolloutTelemetry {

    private final CounterDataPoint groups;
    private final CounterDataPoint tokens;
    private final CounterDataPoint seconds;
    private final GaugeDataPoint version;
    private final NodeTotals totals;

    RolloutTelemetry(PipelineMetrics m, String node, NodeTotals totals) {
        this.totals = totals;
        groups = m.groupsSampled.labelValues(node, "rollout");
        tokens = m.tokensSampled.labelValues(node, "rollout");
        seconds = m.samplingSeconds.labelValues(node, "rollout");
        version = m.policyVersion.labelValues(node, "rollout");
    }

    public void sampled(long completionTokens) {
        groups.inc();
        tokens.inc(completionTokens);
        totals.groupsSampled.increment();
        totals.sampledTokens.add(completionTokens);
    }

    public void decoded(long nanos) {
        seconds.inc(nanos / 1e9);
        totals.samplingSeconds.add(nanos / 1e9);
    }

    public void version(long v) {
        version.set(v);
        totals.rolloutVersion.accumulateAndGet(v, Math::max);
    }
}
