package dev.aha.runtime.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;

/** One JSON object read from a JSON Lines file, with where it came from. */
public record JsonlRecord(Path path, int lineNumber, ObjectNode node) {

    /**
     * The text of the first of {@code keys} present, or a {@link JsonlFormatException} naming this line. Numbers are
     * accepted as text ("answer": 18).
     */
    public String requireText(String... keys) {
        for (String key : keys) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isTextual() && !v.isNumber()) {
                throw problem("\"" + key + "\" must be a string or a number, was " + v.getNodeType().name().toLowerCase());
            }
            String text = v.asText();
            if (text.isBlank()) {
                throw problem("\"" + key + "\" is blank");
            }
            return text;
        }
        throw problem(keys.length == 1 ? "missing \"" + keys[0] + "\""
                : "missing " + String.join(" or ", Arrays.stream(keys).map(k -> "\"" + k + "\"").toList()));
    }

    /** The text (or number) under {@code key}, or null when absent. */
    public String optionalText(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw problem("\"" + key + "\" must be a string or a number, was " + v.getNodeType().name().toLowerCase());
        }
        return v.asText();
    }

    public JsonlFormatException problem(String what) {
        return new JsonlFormatException(path, lineNumber, what);
    }
}
