package dev.aha.actors.telemetry;

import dev.aha.protocol.telemetry.NodeReport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** This node's own running totals, kept beside its Prometheus counters for the {@link NodeReport} the seed asks for. */
final class NodeTotals {

    final LongAdder groupsSampled = new LongAdder();
    final LongAdder sampledTokens = new LongAdder();
    final DoubleAdder samplingSeconds = new DoubleAdder();
    final LongAdder groupsScored = new LongAdder();
    final LongAdder rewardFailures = new LongAdder();
    final AtomicLong rolloutVersion = new AtomicLong(-1);
    final LongAdder episodes = new LongAdder();
    final LongAdder episodeTurns = new LongAdder();
    final LongAdder toolCalls = new LongAdder();
    final LongAdder toolErrors = new LongAdder();

    NodeReport report(String node, String roles) {
        return new NodeReport(node, roles, groupsSampled.sum(), sampledTokens.sum(), samplingSeconds.sum(),
                groupsScored.sum(), rewardFailures.sum(), rolloutVersion.get(), episodes.sum(), episodeTurns.sum(),
                toolCalls.sum(), toolErrors.sum());
    }
}
