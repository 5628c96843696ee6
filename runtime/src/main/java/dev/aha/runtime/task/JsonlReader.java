package dev.aha.runtime.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the objects of a JSON Lines file with their line numbers. Blank lines are skipped silently; a line that is
 * not a JSON object, or that the consumer rejects with a {@link JsonlFormatException}, is handled by the
 * {@link BadLinePolicy}.
 */
public final class JsonlReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROBLEMS_KEPT = 5;

    private JsonlReader() {}

    /** What a read saw: lines used, lines skipped, and the first few problems. */
    public record Summary(int records, int skipped, List<JsonlFormatException> firstProblems) {}

    /** A consumer that may reject a record by throwing {@link JsonlFormatException}. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(JsonlRecord record);
    }

    public static Summary read(Path path, BadLinePolicy policy, RecordConsumer consumer) {
        int records = 0;
        int skipped = 0;
        List<JsonlFormatException> problems = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    consumer.accept(new JsonlRecord(path, number, parse(path, number, line)));
                    records++;
                } catch (JsonlFormatException e) {
                    if (policy == BadLinePolicy.STOP) {
                        throw e;
                    }
                    skipped++;
                    if (problems.size() < PROBLEMS_KEPT) {
                        problems.add(e);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        return new Summary(records, skipped, List.copyOf(problems));
    }

    private static ObjectNode parse(Path path, int number, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new JsonlFormatException(path, number, "not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new JsonlFormatException(path, number, "expected a JSON object, found "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return object;
    }
}
