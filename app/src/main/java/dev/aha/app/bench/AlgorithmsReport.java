package dev.aha.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.CurvesChart;
import dev.aha.runtime.metrics.EvalPoint;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.TimeToAccuracy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code aha bench algorithms}' report: per run, the final pass@1, pass@1 against seconds of RL (the run's clock less
 * its cold start), the seconds to the threshold or "not reached", stale drops and the hard-prompt share; a chart of
 * the curves.
 */
final class AlgorithmsReport {

    static final String NOT_REACHED = "not reached";

    private final Path pipeline;
    private final double threshold;
    private final double minutes;

    AlgorithmsReport(Path pipeline, double threshold, double minutes) {
        this.pipeline = pipeline;
        this.threshold = threshold;
        this.minutes = minutes;
    }

    ObjectNode write(ObjectNode pipelineSummary, JsonNode coldStage, HardPromptLabels.Labels labels, Path png) {
        ObjectNode r = MetricsLog.JSON.createObjectNode();
        r.put("task", "arithmetic (the demo's)");
        r.put("minutes_per_run", minutes);
        r.put("threshold", threshold);
        ObjectNode cold = r.putObject("cold_start");
        cold.set("figures", coldStage.path("figures"));
        ObjectNode l = r.putObject("hard_prompt_labels");
        l.put("file", labels.file().toString()).put("prompts", labels.prompts()).put("k", labels.k());
        l.put("hard", labels.hard());
        ArrayNode runs = r.putArray("runs");
        Map<String, List<EvalPoint>> curves = new LinkedHashMap<>();
        for (JsonNode stage : pipelineSummary.path("stages")) {
            if (!"grpo".equals(stage.path("kind").asText())) {
                continue;
            }
            JsonNode summary = read(pipeline.resolve(stage.path("outputs").path("summary").asText()));
            List<EvalPoint> curve = rlCurve(summary);
            curves.put(stage.path("name").asText(), curve);
            runs.add(run(stage, summary, curve));
        }
        r.put("chart", CurvesChart.write(png, "aha bench algorithms: held-out pass@1, " + minutes
                + " min of RL each", curves).toString());
        return r;
    }

    private ObjectNode run(JsonNode stage, JsonNode summary, List<EvalPoint> curve) {
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        o.put("name", stage.path("name").asText());
        o.put("algorithm", summary.path("settings").path("algorithm").asText());
        o.put("staleness", summary.path("settings").path("staleness").asText());
        o.set("final_pass1", summary.path("final_pass1"));
        o.set("final_pass_at_k", summary.path("final_pass_at_k"));
        OptionalDouble reached = TimeToAccuracy.secondsTo(curve, threshold);
        String key = "seconds_to_" + threshold;
        if (reached.isPresent()) {
            o.put(key, round(reached.getAsDouble()));
        } else {
            o.put(key, NOT_REACHED);
        }
        ObjectNode all = o.putObject("seconds_to_pass1");
        TimeToAccuracy.table(curve).forEach((t, s) -> {
            if (s == null) {
                all.put(t, NOT_REACHED);
            } else {
                all.put(t, round(s));
            }
        });
        o.set("steps", summary.path("steps"));
        o.set("prompts_used", summary.path("prompts_used"));
        o.set("prompts_dropped_stale", summary.path("prompts_dropped_stale"));
        o.set("hard_prompts", summary.path("hard_prompts"));
        ArrayNode points = o.putArray("pass1_curve");
        curve.forEach(p -> points.addObject().put("step", p.step()).put("rl_seconds", round(p.runSeconds()))
                .put("pass1", p.pass1()));
        o.put("summary", pipeline.resolve(stage.path("outputs").path("summary").asText()).toString());
        return o;
    }

    /** The run's evaluations against seconds of RL: its clock less the cold start it began from. */
    static List<EvalPoint> rlCurve(JsonNode summary) {
        double coldStart = summary.path("cold_start_seconds").asDouble();
        List<EvalPoint> curve = new ArrayList<>();
        for (JsonNode p : summary.path("pass1_curve")) {
            curve.add(new EvalPoint(p.path("step").asLong(),
                    Math.max(0, p.path("run_seconds").asDouble() - coldStart), p.path("pass1").asDouble()));
        }
        return curve;
    }

    private static JsonNode read(Path file) {
        try {
            return MetricsLog.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
