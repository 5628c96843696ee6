package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad JSON Lines datasets are refused (with the default policy, STOP) in one line that says where and what, never
 * a stack trace from the depths of a parser and never a silently odd task.
 */
class BadDatasetsTest {

    private static final String GOOD = "{\"question\": \"1+1\", \"answer\": \"2\"}\n";

    @TempDir
    static Path dir;

    private static int cases;

    /** File contents (bytes, as a line may not be valid UTF-8), and what the error must say. */
    static Stream<Arguments> badDatasets() {
        return Stream.of(
                bad("", "no training prompts"),
                bad("\n\n  \n", "no training prompts"),
                bad(GOOD + "hello\n", ":2: not valid JSON"),
                bad(GOOD + "{\"question\": \"1+1\"\n", ":2: not valid JSON"),
                bad("[1, 2]\n", ":1: expected a JSON object, found array"),
                bad("\"just a string\"\n", ":1: expected a JSON object, found string"),
                bad("42\n", ":1: expected a JSON object, found number"),
                bad("null\n", ":1: expected a JSON object"),
                bad("true\n", ":1: expected a JSON object, found boolean"),
                bad("{\"question\": \"1+1\"}\n", ":1: missing \"answer\""),
                bad("{\"answer\": \"2\"}\n", ":1: missing \"question\" or \"prompt\""),
                bad("{}\n", ":1: missing"),
                bad("{\"question\": null, \"answer\": \"2\"}\n", ":1: missing \"question\""),
                bad("{\"question\": \"1+1\", \"answer\": null}\n", ":1: missing \"answer\""),
                bad("{\"question\": \"1+1\", \"answer\": {\"value\": 2}}\n", "\"answer\" must be a string or a number"),
                bad("{\"question\": \"1+1\", \"answer\": [2]}\n", "\"answer\" must be a string or a number"),
                bad("{\"question\": {\"text\": \"1+1\"}, \"answer\": \"2\"}\n", "\"question\" must be a string"),
                bad("{\"question\": true, \"answer\": \"2\"}\n", "\"question\" must be a string"),
                bad("{\"question\": \"\", \"answer\": \"2\"}\n", "\"question\" is blank"),
                bad("{\"question\": \"   \", \"answer\": \"2\"}\n", "\"question\" is blank"),
                bad("{\"question\": \"1+1\", \"answer\": \"\"}\n", "\"answer\" is blank"),
                bad("{\"question\": \"1+1\", \"answer\": \"#### \"}\n", "nothing after \"####\""),
                bad("{\"question\": \"1+1\", \"answer\": \"2\",}\n", ":1: not valid JSON"),
                bad("{'question': '1+1', 'answer': '2'}\n", ":1: not valid JSON"),
                bad("{\"question\": \"1+1\", \"answer\": NaN}\n", ":1: not valid JSON"),
                bad("// a comment\n" + GOOD, ":1: not valid JSON"),
                bad(GOOD.strip() + GOOD, ":1: more than one JSON value"),
                bad("{\"question\": \"1+1\", \"answer\": \"2\"} trailing\n", ":1: not valid JSON"),
                bad("{\"question\": \"1+1\", \"answer\": \"2\", \"solution\": {\"steps\": []}}\n",
                        "\"solution\" must be a string"),
                bytes(concat(GOOD.getBytes(StandardCharsets.UTF_8),
                        new byte[] {'{', '"', 'q', '"', ':', (byte) 0xC3, (byte) 0x28, '}', '\n'}), ":2: not valid UTF-8"),
                bytes(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0, 0x13, 0x37, '\n'}, ":1: not valid UTF-8"),
                bad(GOOD + "{\"question\": \"1+1\", \"answer\": \"2\"\u0000}\n", ":2: not valid JSON"),
                bad(GOOD + "{\"question\": \"1+1\", \"answer\": \"2\"}}\n", ":2: not valid JSON"),
                bad(GOOD + "{\"question\": \"1+1\", \"answer\": \"2\", \"answer\": \"3\"}\n", ":2: repeats \"answer\""));
    }

    private static Arguments bad(String text, String says) {
        return bytes(text.getBytes(StandardCharsets.UTF_8), says);
    }

    private static Arguments bytes(byte[] content, String says) {
        return Arguments.of(content, says);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @ParameterizedTest
    @MethodSource("badDatasets")
    void aBadDatasetIsRefusedInOneLineSayingWhereAndWhat(byte[] content, String says) throws IOException {
        Path file = dir.resolve("bad-" + (++cases) + ".jsonl");
        Files.write(file, content);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> JsonlTask.load("jsonl", file, null, BadLinePolicy.STOP));
        assertTrue(e instanceof JsonlFormatException || e instanceof IllegalArgumentException,
                "not a user error: " + e);
        String message = e.getMessage();
        assertTrue(message.contains(says), "'" + message + "' does not say '" + says + "'");
        assertFalse(message.contains("\n"), "more than one line: " + message);
        if (says.startsWith(":")) {
            assertTrue(message.startsWith(file.toString()), "does not name the file: " + message);
        }
    }
}
