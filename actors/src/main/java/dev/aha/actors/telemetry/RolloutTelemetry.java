package dev.aha.actors.telemetry;

import dev.aha.protocol.pipeline.GroupEpisodes;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/**
 * What a rollout reports: the groups and tokens it sampled, what their episodes did (multi-turn tasks), its decode
 * time, the version it samples with.
 */
public final class RolloutTelemetry {

    private final CounterDataPoint groups;
    private final CounterDataPoint tokens;
    private final CounterDataPoint seconds;
    private final GaugeDataPoint version;
    private final CounterDataPoint episodes;
    private final CounterDataPoint turns;
    private final CounterDataPoint toolCalls;
    private final CounterDataPoint toolErrors;
    private final NodeTotals totals;

    RolloutTelemetry(PipelineMetrics m, String node, NodeTotals totals) {
        this.totals = totals;
        groups = m.groupsSampled.labelValues(node, "rollout");
        tokens = m.tokensSampled.labelValues(node, "rollout");
        seconds = m.samplingSeconds.labelValues(node, "rollout");
        version = m.policyVersion.labelValues(node, "rollout");
        episodes = m.episodes.labelValues(node, "rollout");
        turns = m.episodeTurns.labelValues(node, "rollout");
        toolCalls = m.toolCalls.labelValues(node, "rollout");
        toolErrors = m.toolErrors.labelValues(node, "rollout");
    }

    /** A group sampled; {@code episodes} how its episodes went, or null for a single-turn group. */
    public void sampled(long completionTokens, GroupEpisodes episodes) {
        sampled(completionTokens);
        if (episodes != null) {
            this.episodes.inc(episodes.size());
            totals.episodes.add(episodes.size());
            for (int i = 0; i < episodes.size(); i++) {
                turns.inc(episodes.turns()[i]);
                toolCalls.inc(episodes.toolCalls()[i]);
                toolErrors.inc(episodes.toolErrors()[i]);
                totals.episodeTurns.add(episodes.turns()[i]);
                totals.toolCalls.add(episodes.toolCalls()[i]);
                totals.toolErrors.add(episodes.toolErrors()[i]);
            }
        }
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
