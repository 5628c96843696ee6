package dev.aha.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard over a run's folder ({@code aha dashboard --run DIR}), finished or still running: what metrics.jsonl
 * gained is read as it grows, up to its last complete line (a line still being written, or torn by a crash, waits
 * for its newline), and summary.json, once there, adds the dispatcher's final books. A line that is not JSON stops
 * the reading there, with a warning in the header naming it.
 */
public final class RunFiles implements RunSource {

    private final Path dir;
    private final Path metrics;
    /** Bytes of metrics.jsonl read so far: whole lines only. */
    private long consumed;
    private int lines;
    private final List<JsonNode> steps = new ArrayList<>();
    private final List<JsonNode> evals = new ArrayList<>();
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

    /**
     * Reads what metrics.jsonl gained since the last read, up to its last complete line. A file that shrank (a
     * resumed run cuts a torn last line) is read again from its start.
     */
    private synchronized void refresh() {
        try (FileChannel c = FileChannel.open(metrics, StandardOpenOption.READ)) {
            long size = c.size();
            if (size < consumed) {
                consumed = 0;
                lines = 0;
                steps.clear();
                evals.clear();
                warning = null;
            }
            if (size == consumed || warning != null) {
                return;
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(size - consumed, Integer.MAX_VALUE - 8));
            while (bytes.hasRemaining() && c.read(bytes, consumed + bytes.position()) > 0) {
                // read what is there
            }
            consumed += read(bytes.array(), bytes.position());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metrics, e);
        }
    }

    /** @return the bytes of complete lines taken (what follows the last newline is not complete yet) */
    private long read(byte[] bytes, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
            lines++;
            if (!line.isBlank()) {
                JsonNode node;
                try {
                    node = MetricsLog.JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    warning = "metrics.jsonl line " + lines + " is not JSON: read up to it";
                    return start;
                }
                if (node.has("eval")) {
                    evals.add(node);
                } else if (node.has("step") && !node.has("uniform_drops")) {
                    steps.add(node);
                }
            }
            start = i + 1;
        }
        return start;
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
        return List.copyOf(evals);
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
