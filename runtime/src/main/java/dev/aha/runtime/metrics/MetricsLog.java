package dev.aha.runtime.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.aha.runtime.eval.EvalResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
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
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    /** An evaluation line, told apart from step lines by its "eval" key. */
    public record EvalLine(long step, long version, EvalResult eval) {}

    public void appendEval(long step, long version, EvalResult eval) {
        append(new EvalLine(step, version, eval));
    }

    /** Every step line of a metrics file: this segment's and those of the runs it resumed. */
    public static List<StepMetrics> readSteps(Path file) throws IOException {
        List<StepMetrics> steps = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode node = JSON.readTree(line);
            if (!node.has("eval")) {
                steps.add(JSON.treeToValue(node, StepMetrics.class));
            }
        }
        return steps;
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
