package dev.aha.actors.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Training prompts labelled by how the starting policy (the cold start) did on them, so a run can say how many of
 * the groups it trained on, and of those it dropped as stale, were hard: prompts the cold start failed, none of its k
 * samples right. The labels are {@code aha.train.hard-prompts}, a JSON Lines file of
 * {@code {"prompt": the rendered prompt, "correct": c, "k": k}} ({@code aha bench algorithms} writes one).
 */
public final class HardPrompts {

    public static final HardPrompts NONE = new HardPrompts(Map.of());

    /** Rendered prompt to whether the cold start failed it. */
    private final Map<String, Boolean> hard;

    private HardPrompts(Map<String, Boolean> hard) {
        this.hard = hard;
    }

    /** The labels in {@code file}; {@link #NONE} for an empty path. */
    public static HardPrompts load(String file) {
        if (file == null || file.isBlank()) {
            return NONE;
        }
        Path path = Path.of(file);
        Map<String, Boolean> hard = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw new UncheckedIOException("aha.train.hard-prompts: cannot read " + path + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                JsonNode row = MetricsLog.JSON.readTree(lines.get(i));
                if (!row.path("prompt").isTextual() || !row.path("correct").canConvertToInt()) {
                    throw new IOException("needs \"prompt\" (text) and \"correct\" (a count)");
                }
                hard.put(row.get("prompt").asText(), row.get("correct").asInt() == 0);
            } catch (IOException e) {
                throw new IllegalArgumentException("aha.train.hard-prompts: " + path + " line " + (i + 1) + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return new HardPrompts(hard);
    }

    /** True or false for a labelled prompt; null for one the file does not label. */
    public Boolean hard(String renderedPrompt) {
        return hard.get(renderedPrompt);
    }

    public boolean labels() {
        return !hard.isEmpty();
    }
}
