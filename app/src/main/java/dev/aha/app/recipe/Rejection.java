package dev.aha.app.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.rejection.RejectionStats;

/**
 * What a rejection kept and dropped, and under which rules: the {@code rejection} block of a stage's outputs and of
 * distill.json.
 */
public record Rejection(RejectionStats stats, RejectionSettings rules) {

    public ObjectNode toJson() {
        return stats.toJson(rules);
    }

    static Rejection read(JsonNode o) {
        try {
            return new Rejection(RejectionStats.fromJson(o),
                    MetricsLog.JSON.treeToValue(o.path("settings"), RejectionSettings.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the rejection's settings do not read back: " + e.getOriginalMessage(),
                    e);
        }
    }
}
