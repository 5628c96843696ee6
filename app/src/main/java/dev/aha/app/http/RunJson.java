package dev.aha.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run as JSON: {@code /api/run} (everything so far) and each event of the dashboard's stream (the steps after
 * the last one sent, and the rest as it stands).
 */
final class RunJson {

    private RunJson() {}

    /** @param afterStep the last step the reader has (-1: none) */
    static ObjectNode since(RunSource source, long afterStep) {
        ObjectNode o = source.header();
        List<JsonNode> steps = source.stepsAfter(afterStep);
        o.put("after_step", afterStep);
        ArrayNode array = o.putArray("steps");
        steps.forEach(array::add);
        evalsAndBooks(o, source);
        return o;
    }

    /** The summary so far: every step line, the staleness of the completions trained on, the last step's figures. */
    static ObjectNode full(RunSource source) {
        ObjectNode o = since(source, -1);
        JsonNode steps = o.get("steps");
        Map<Integer, Long> staleness = new TreeMap<>();
        for (JsonNode s : steps) {
            s.path("staleness_histogram").fields().forEachRemaining(e ->
                    staleness.merge(Integer.parseInt(e.getKey()), e.getValue().asLong(), Long::sum));
        }
        ObjectNode totals = o.putObject("staleness_completions");
        staleness.forEach((lag, n) -> totals.put(String.valueOf(lag), n));
        if (!steps.isEmpty()) {
            o.set("last_step", steps.get(steps.size() - 1));
        }
        return o;
    }

    private static void evalsAndBooks(ObjectNode o, RunSource source) {
        ArrayNode evals = o.putArray("evals");
        source.evals().forEach(evals::add);
        JsonNode books = source.dispatcher();
        if (books != null) {
            o.set("dispatcher", books);
        }
        ArrayNode members = o.putArray("members");
        source.members().forEach(members::add);
    }

    static String text(JsonNode node) {
        try {
            return MetricsLog.JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
