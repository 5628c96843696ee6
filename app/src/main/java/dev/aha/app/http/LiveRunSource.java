package dev.aha.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.pipeline.EvalRecord;
import dev.aha.actors.telemetry.NodeTelemetry;
import dev.aha.actors.telemetry.RunInfo;
import dev.aha.runtime.metrics.MetricsLog;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.aha.protocol.telemetry.NodeReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The dashboard over this node's own telemetry, as the run goes. */
public final class LiveRunSource implements RunSource {

    private final NodeTelemetry telemetry;

    public LiveRunSource(NodeTelemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public ObjectNode header() {
        ObjectNode h = MetricsLog.JSON.createObjectNode().put("source", "live").put("node", telemetry.node());
        telemetry.roles().forEach(h.putArray("roles")::add);
        RunInfo info = telemetry.live().info();
        if (info != null) {
            h.set("run", MetricsLog.JSON.valueToTree(info));
        }
        return h;
    }

    @Override
    public List<JsonNode> stepsAfter(long afterStep) {
        return telemetry.live().stepsAfter(afterStep).stream().map(s -> (JsonNode) MetricsLog.JSON.valueToTree(s))
                .toList();
    }

    @Override
    public List<JsonNode> evals() {
        return telemetry.live().evals().stream().map(LiveRunSource::eval).toList();
    }

    /** The shape of an evaluation line of metrics.jsonl, so both sources read alike. */
    private static JsonNode eval(EvalRecord e) {
        ObjectNode o = MetricsLog.JSON.createObjectNode().put("step", e.step()).put("version", e.version())
                .put("run_seconds", e.runSeconds());
        JsonNode fields = MetricsLog.JSON.valueToTree(e.result());
        if (fields instanceof ObjectNode f && !Double.isFinite(e.result().greedyAccuracy())) {
            f.remove("greedy_accuracy");
        }
        o.set("eval", fields);
        return o;
    }

    @Override
    public JsonNode dispatcher() {
        return telemetry.live().dispatcher() == null ? null : MetricsLog.JSON.valueToTree(telemetry.live().dispatcher());
    }

    /** Each member as the cluster sees it, with its own report (what it sampled and scored) once gathered. */
    @Override
    public List<JsonNode> members() {
        Map<String, NodeReport> reports = telemetry.live().nodes();
        return telemetry.members().stream().map(m -> {
            ObjectNode o = MetricsLog.JSON.valueToTree(m);
            NodeReport r = reports.get(m.address());
            if (r != null) {
                o.put("groups_sampled", r.groupsSampled()).put("sampled_tokens", r.sampledTokens())
                        .put("sampling_seconds", r.samplingSeconds()).put("groups_scored", r.groupsScored())
                        .put("reward_failures", r.rewardFailures()).put("rollout_version", r.rolloutVersion());
                if (r.episodes() > 0) { // a multi-turn task's
                    o.put("episodes", r.episodes()).put("episode_turns", r.episodeTurns())
                            .put("tool_calls", r.toolCalls()).put("tool_errors", r.toolErrors());
                }
            }
            return (JsonNode) o;
        }).toList();
    }

    @Override
    public Optional<PrometheusRegistry> registry() {
        return Optional.of(telemetry.registry());
    }
}
