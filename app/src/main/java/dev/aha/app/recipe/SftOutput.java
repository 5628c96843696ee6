package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;

/**
 * An sft stage's outputs.
 *
 * @param data what it trained on: a file (relative to the pipeline's folder when inside it), or the task's worked
 *     solutions
 * @param examples the file's examples; null for the task's endless supply
 * @param sft its steps, loss and time
 */
public record SftOutput(String data, Integer examples, SftFigures sft) implements StageOutput {

    @Override
    public String note() {
        return String.format("%,d steps on %s, loss %.3f", sft.steps(),
                examples != null ? String.format("%,d examples", examples) : "worked solutions", sft.loss());
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = MetricsLog.JSON.createObjectNode().put("data", data);
        if (examples != null) {
            o.put("examples", examples);
        }
        o.setAll(sft.toJson());
        return o.put("note", note());
    }

    static SftOutput read(JsonNode o) {
        return new SftOutput(o.path("data").asText(), o.has("examples") ? o.get("examples").asInt() : null,
                SftFigures.read(o));
    }
}
