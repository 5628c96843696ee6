package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Path;

/**
 * A reject stage's outputs.
 *
 * @param sftData the kept samples as SFT data ({prompt, completion} lines)
 * @param stats the statistics file beside it
 * @param rejection what was kept and dropped
 */
public record RejectOutput(Path sftData, Path stats, Rejection rejection)
        implements StageOutput, StageOutput.WritesSftData {

    @Override
    public String note() {
        return String.format("kept %,d of %,d samples", rejection.stats().kept(), rejection.stats().linesRead());
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = MetricsLog.JSON.createObjectNode().put("sft_data", sftData.toString())
                .put("stats", stats.toString());
        o.set("rejection", rejection.toJson());
        return o.put("note", note());
    }

    static RejectOutput read(JsonNode o) {
        return new RejectOutput(Path.of(o.path("sft_data").asText()), Path.of(o.path("stats").asText()),
                Rejection.read(o.path("rejection")));
    }
}
