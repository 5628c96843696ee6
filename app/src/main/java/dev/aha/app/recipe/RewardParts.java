package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A grpo stage's rule and model parts of the reward (metrics.jsonl's {@code reward_rule_mean} and
 * {@code reward_model_mean}), each the mean over the first and over the last tenth of its learner steps: where RL
 * started and where it ended.
 *
 * @param hasModel whether the run hosted a reward model (without one the model part is 0 and not reported)
 */
public record RewardParts(int steps, double ruleFirst, double ruleLast, boolean hasModel, double modelFirst,
        double modelLast) {

    /** The parts of a run's metrics.jsonl, or null when it has no learner step. */
    static RewardParts read(Path metrics, boolean hasModel) {
        List<double[]> rows = new ArrayList<>();
        if (!Files.isRegularFile(metrics)) {
            return null;
        }
        try (BufferedReader r = Files.newBufferedReader(metrics)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.contains("\"reward_rule_mean\"")) {
                    JsonNode o = MetricsLog.JSON.readTree(line);
                    rows.add(new double[] {o.path("reward_rule_mean").asDouble(),
                        o.path("reward_model_mean").asDouble()});
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metrics + ": " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            return null;
        }
        int tenth = Math.max(1, rows.size() / 10);
        return new RewardParts(rows.size(), mean(rows, 0, tenth, 0), mean(rows, rows.size() - tenth, rows.size(), 0),
                hasModel, mean(rows, 0, tenth, 1), mean(rows, rows.size() - tenth, rows.size(), 1));
    }

    private static double mean(List<double[]> rows, int from, int to, int column) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += rows.get(i)[column];
        }
        return sum / (to - from);
    }

    /** "rule reward 0.610 -> 0.830, model reward 0.400 -> 0.920": first and last tenth of the steps. */
    String text() {
        String rule = String.format("rule reward %.3f -> %.3f", ruleFirst, ruleLast);
        return hasModel ? rule + String.format(", model reward %.3f -> %.3f", modelFirst, modelLast) : rule;
    }

    ObjectNode toJson() {
        ObjectNode o = MetricsLog.JSON.createObjectNode().put("steps", steps).put("rule_first", ruleFirst)
                .put("rule_last", ruleLast);
        return hasModel ? o.put("model_first", modelFirst).put("model_last", modelLast) : o;
    }

    static RewardParts read(JsonNode o) {
        return o == null || !o.isObject() ? null : new RewardParts(o.path("steps").asInt(),
                o.path("rule_first").asDouble(), o.path("rule_last").asDouble(), o.has("model_first"),
                o.path("model_first").asDouble(), o.path("model_last").asDouble());
    }
}
