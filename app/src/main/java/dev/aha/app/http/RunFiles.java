package dev.aha.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard over a run's folder ({@code aha dashboard --run DIR}), finished or still running: metrics.jsonl is
 * read again whenever it grew, up to its last complete line (a line still being written, or torn by a crash, waits
 * for its newline), and summary.json, once there, adds the dispatcher's final books. A line that is not JSON stops
 * the reading there, with a warning in the header naming it.
 */
public final class RunFiles implements RunSource {

    private final Path dir;
    private final Path metrics;
    private long readSize = -1;
    private long readModified = -1;
    private List<JsonNode> steps = List.of();
    private List<JsonNode> evals = List.of();
    private String warning;

    /** @throws IllegalArgumentException when {@code dir} is not a run's folder (no metrics.jsonl in it) */
    public RunFiles(Path dir) {
        this.dir = dir;
        this.metrics = dir.resolve("metrics.jsonl");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--run " + dir + " is not a folder");
        }
        if (!Files.isRegularFile(metrics)) {
            throw new IllegalArgumentException("no metrics.jsonl in " + dir
                    + ": not a run's folder (aha train, seed and pipeline write one under --out)");
        }
        refresh();
    }

    /** Reads metrics.jsonl again if it changed since the last read. */
    private synchronized void refresh() {
        try {
            long size = Files.size(metrics);
            long modified = Files.getLastModifiedTime(metrics).toMillis();
            if (size == readSize && modified == readModified) {
                return;
            }
            readSize = size;
            readModified = modified;
            read(Files.readString(metrics, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metrics, e);
        }
    }

    private void read(String text) {
        List<JsonNode> s = new ArrayList<>();
        List<JsonNode> e = new ArrayList<>();
        warning = null;
        int end = text.lastIndexOf('\n'); // what follows the last newline is not complete yet
        String[] lines = end < 0 ? new String[0] : text.substring(0, end).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = MetricsLog.JSON.readTree(lines[i]);
            } catch (JsonProcessingException ex) {
                warning = "metrics.jsonl line " + (i + 1) + " is not JSON: read up to it";
                break;
            }
            if (node.has("eval")) {
                e.add(node);
            } else if (node.has("step") && !node.has("uniform_drops")) {
                s.add(node);
            }
        }
        steps = List.copyOf(s);
        evals = List.copyOf(e);
    }

    private JsonNode summary() {
        Path file = dir.resolve("summary.json");
        try {
            return Files.isRegularFile(file) ? MetricsLog.JSON.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null; // being written: the next read has it
        }
    }

    @Override
    public ObjectNode header() {
        refresh();
        ObjectNode h = MetricsLog.JSON.createObjectNode().put("source", "files").put("node", dir.toString());
        h.putArray("roles");
        JsonNode summary = summary();
        h.put("finished", summary != null);
        if (summary != null) {
            JsonNode settings = summary.path("settings");
            h.putObject("run").put("task", summary.path("task").asText()).put("mode", summary.path("mode").asText())
                    .put("backend", summary.path("backend").asText())
                    .put("group_size", settings.path("group_size").asInt())
                    .put("batch_groups", settings.path("batch_groups").asInt())
                    .put("max_staleness", settings.path("max_staleness").asInt());
        }
        synchronized (this) {
            if (warning != null) {
                h.put("warning", warning);
            }
        }
        return h;
    }

    @Override
    public synchronized List<JsonNode> stepsAfter(long afterStep) {
        refresh();
        return steps.stream().filter(s -> s.path("step").asLong() > afterStep).toList();
    }

    @Override
    public synchronized List<JsonNode> evals() {
        refresh();
        return evals;
    }

    /** The final books from summary.json, in the live dispatcher's shape; null while the run is going. */
    @Override
    public JsonNode dispatcher() {
        JsonNode s = summary();
        if (s == null) {
            return null;
        }
        return MetricsLog.JSON.createObjectNode().put("dispatched", s.path("prompts_dispatched").asLong())
                .put("used", s.path("prompts_used").asLong())
                .put("dropped_stale", s.path("prompts_dropped_stale").asLong())
                .put("dropped_uniform", s.path("groups_dropped_uniform").asLong())
                .put("reissued", s.path("prompts_reissued").asLong())
                .put("outstanding", s.path("prompts_outstanding_at_end").asLong())
                .put("lost", s.path("lost_prompts").asLong())
                .put("quarantined", s.path("prompts_quarantined").asLong())
                .put("invalid", s.path("invalid_messages_dropped").asLong());
    }

    @Override
    public List<JsonNode> members() {
        return List.of();
    }

    @Override
    public Optional<PrometheusRegistry> registry() {
        return Optional.empty();
    }
}
