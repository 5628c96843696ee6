package dev.aha.actors.telemetry;

import dev.aha.actors.pipeline.EvalRecord;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.runtime.metrics.StepMetrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import java.util.List;

/**
 * What the learner reports, from its own thread: groups arriving and dropped, each step's line, weight-sync
 * latencies, evaluations. Counters and gauges are lock-free; the step line is appended to the {@link LiveRun}.
 */
public final class LearnerTelemetry {

    private static final List<String> DROP_REASONS = List.of("stale", "uniform", "duplicate", "invalid");

    private final PipelineMetrics m;
    private final String node;
    private final LiveRun live;
    private final CounterDataPoint steps;
    private final CounterDataPoint groupsUsed;
    private final CounterDataPoint tokensArrived;
    private final CounterDataPoint tokensUsed;
    private final GaugeDataPoint version;
    private final DistributionDataPoint reward;
    private final DistributionDataPoint staleness;
    private final DistributionDataPoint weightSync;
    private final DistributionDataPoint sampleToUse;

    LearnerTelemetry(PipelineMetrics m, String node, LiveRun live, long firstVersion) {
        this.m = m;
        this.node = node;
        this.live = live;
        steps = m.steps.labelValues(node, "learner");
        groupsUsed = m.groupsUsed.labelValues(node, "learner");
        tokensArrived = m.tokensArrived.labelValues(node, "learner");
        tokensUsed = m.tokensUsed.labelValues(node, "learner");
        version = m.policyVersion.labelValues(node, "learner");
        reward = m.completionReward.labelValues(node, "learner");
        staleness = m.staleness.labelValues(node, "learner");
        weightSync = m.weightSync.labelValues(node, "learner");
        sampleToUse = m.sampleToUse.labelValues(node, "learner");
        version.set(firstVersion);
        for (String reason : DROP_REASONS) {
            m.groupsDropped.labelValues(node, "learner", reason).inc(0);
        }
        m.evaluations.labelValues(node, "learner").inc(0);
        m.evalPass1.labelValues(node, "learner").set(Double.NaN); // none yet: present, and not a zero to misread
    }

    /**
     * A scored group reached the learner: its tokens and rewards are counted unless it was invalid, and a drop is
     * counted by its reason.
     *
     * @param verdict the learner's intake verdict: INVALID, DUPLICATE, STALE, UNIFORM, ADDED or BATCH_FULL
     */
    public void received(ScoredGroup s, String verdict) {
        String reason = verdict.toLowerCase(java.util.Locale.ROOT);
        if (DROP_REASONS.contains(reason)) {
            m.groupsDropped.labelValues(node, "learner", reason).inc();
        }
        if (!reason.equals("invalid")) {
            tokensArrived.inc(s.group().completionTokens());
            for (double r : s.rewards()) {
                reward.observe(r);
            }
        }
    }

    /**
     * @param trainedAt the version the batch was trained at (before the step bumped it)
     * @param nowMicros wall clock when the batch was used
     */
    public void stepped(StepMetrics line, List<ScoredGroup> batch, long trainedAt, long nowMicros) {
        steps.inc();
        version.set(line.version());
        groupsUsed.inc(batch.size());
        long tokens = 0;
        for (ScoredGroup s : batch) {
            SampledGroup g = s.group();
            tokens += g.completionTokens();
            staleness.observe(trainedAt - g.policyVersion());
            sampleToUse.observe(Math.max(0, nowMicros - g.sampledAtMicros()) / 1e6);
        }
        tokensUsed.inc(tokens);
        m.rewardMean.labelValues(node, "learner").set(line.rewardMean());
        m.accuracy.labelValues(node, "learner").set(line.accuracy());
        m.formatRate.labelValues(node, "learner").set(line.formatRate());
        m.kl.labelValues(node, "learner").set(line.kl());
        m.clipFraction.labelValues(node, "learner", "low").set(line.clipFractionLow());
        m.clipFraction.labelValues(node, "learner", "high").set(line.clipFractionHigh());
        m.responseLength.labelValues(node, "learner").set(line.responseLength());
        m.loss.labelValues(node, "learner").set(line.loss());
        m.gradNorm.labelValues(node, "learner").set(line.gradNorm());
        m.busyFraction.labelValues(node, "learner").set(line.learnerBusyFraction());
        m.busyFraction.labelValues(node, "rollout").set(line.rolloutBusyFraction());
        live.step(line);
    }

    public void weightSynced(long micros) {
        weightSync.observe(micros / 1e6);
    }

    public void evaluated(EvalRecord e) {
        m.evaluations.labelValues(node, "learner").inc();
        m.evalPass1.labelValues(node, "learner").set(e.result().pass1());
        live.evaluated(e);
    }
}
