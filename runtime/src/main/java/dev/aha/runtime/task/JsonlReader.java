package dev.aha.runtime.task;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

    /** Strict: a second value on a line, or a key given twice, is an error rather than silently dropped. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
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
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            String line;
            int number = 0;
            while ((line = readLine(in, path, number + 1)) != null) {
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

    /**
     * The next line without its end ({@code \n} or {@code \r\n}), or null at the end of the file. Bytes are decoded
     * a line at a time, so an invalid UTF-8 sequence is reported on its own line.
     */
    private static String readLine(InputStream in, Path path, int number) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new JsonlFormatException(path, number, "not valid UTF-8");
        }
    }

    private static ObjectNode parse(Path path, int number, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            if (why.startsWith("Trailing token")) {
                throw new JsonlFormatException(path, number, "more than one JSON value on the line");
            }
            if (why.startsWith("Duplicate field")) {
                throw new JsonlFormatException(path, number, "repeats \"" + why.replaceAll("^Duplicate field '(.*)'$",
                        "$1") + "\"");
            }
            throw new JsonlFormatException(path, number, "not valid JSON: " + why);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new JsonlFormatException(path, number, "expected a JSON object, found "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return object;
    }
}
