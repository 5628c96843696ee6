package dev.aha.runtime.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.eval.EvalResult;
import java.io.BufferedWriter;
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

/**
 * Appends records as JSON Lines, one flushed line each, so a crash loses at most the line being written and
 * {@code tail -f} shows progress. Appending (never truncating) lets a resumed run continue the same file.
 */
public final class MetricsLog implements AutoCloseable {

    /** snake_case keys, as the Python tooling people feed these files into expects. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final Path file;
    private final BufferedWriter out;

    public MetricsLog(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            dropTornLastLine(file);
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * An evaluation line, told apart from step lines by its "eval" key.
     *
     * @param runSeconds when the evaluated policy existed, in seconds since the run started (its cold start included)
     */
    public record EvalLine(long step, long version, double runSeconds, JsonNode eval) {}

    /** A figure the evaluation did not measure (NaN: greedy accuracy without a greedy decode) is left out. */
    public void appendEval(long step, long version, double runSeconds, EvalResult eval) {
        JsonNode fields = JSON.valueToTree(eval);
        if (fields instanceof ObjectNode o && !Double.isFinite(eval.greedyAccuracy())) {
            o.remove("greedy_accuracy");
        }
        append(new EvalLine(step, version, runSeconds, fields));
    }

    /**
     * A crash mid-line leaves a last line without its newline: cut it off before appending, or the next record would
     * be glued onto it.
     */
    private static void dropTornLastLine(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return;
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = c.size();
            ByteBuffer one = ByteBuffer.allocate(1);
            long end = size;
            while (end > 0) {
                one.clear();
                c.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                c.truncate(end);
            }
        }
    }

    /**
     * Every step line of a metrics file: this segment's and those of the runs it resumed (evaluation lines and
     * {@link UniformDrops.Line}s are not steps). A torn last line (a crash while it was written) is skipped; a
     * malformed line elsewhere is an error naming it.
     */
    public static List<StepMetrics> readSteps(Path file) throws IOException {
        List<StepMetrics> steps = new ArrayList<>();
        for (JsonNode node : readLines(file)) {
            if (!node.has("eval") && !node.has("uniform_drops")) {
                steps.add(JSON.treeToValue(node, StepMetrics.class));
            }
        }
        return steps;
    }

    /** The held-out evaluations of a run, its resumed segments included, in the order they were written. */
    public static List<EvalPoint> readEvals(Path file) throws IOException {
        List<EvalPoint> evals = new ArrayList<>();
        for (JsonNode node : readLines(file)) {
            if (node.has("eval")) {
                evals.add(new EvalPoint(node.path("step").asLong(), node.path("run_seconds").asDouble(),
                        node.path("eval").path("pass1").asDouble()));
            }
        }
        return evals;
    }

    /** Every line as JSON; a torn last line (a crash mid-write) is skipped, a malformed line before it is an error. */
    private static List<JsonNode> readLines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                if (i == lines.size() - 1) {
                    break;
                }
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is not JSON: " + e.getOriginalMessage());
            }
            nodes.add(node);
        }
        return nodes;
    }

    public synchronized void append(Object record) {
        try {
            out.write(JSON.writeValueAsString(record));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
