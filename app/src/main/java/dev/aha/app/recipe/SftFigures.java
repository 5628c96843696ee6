package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;

/**
 * How an SFT run went.
 *
 * @param steps optimiser steps taken
 * @param loss mean loss of the last tenth of the steps
 * @param seconds wall time, saving included
 */
public record SftFigures(int steps, float loss, double seconds) {

    public ObjectNode toJson() {
        return MetricsLog.JSON.createObjectNode().put("steps", steps).put("final_loss", loss).put("seconds", seconds);
    }

    static SftFigures read(JsonNode o) {
        return new SftFigures(o.path("steps").asInt(), o.path("final_loss").floatValue(), o.path("seconds").asDouble());
    }
}
