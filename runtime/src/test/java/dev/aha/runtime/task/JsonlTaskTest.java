package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonlTaskTest {

    @TempDir
    Path dir;

    static Path gsm8k(String file) {
        return dev.aha.runtime.testing.TestData.gsm8k(file);
    }

    @Test
    void shouldLoadGsm8kWithTheReferenceAfterTheHashes() throws IOException {
        JsonlTask task = JsonlTask.gsm8k(gsm8k("train.jsonl"), gsm8k("test.jsonl"), BadLinePolicy.STOP);
        assertEquals(7473, task.trainSize());
        assertEquals(1319, task.heldOutSize());
        List<String> lines = Files.readAllLines(gsm8k("test.jsonl"));
        List<TaskPrompt> held = task.heldOut(1319);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < held.size(); i++) {
            String answer = json.readTree(lines.get(i)).get("answer").asText();
            String expected = answer.substring(answer.lastIndexOf("#### ") + 5).trim().replace(",", "");
            assertEquals(expected, held.get(i).referenceAnswer());
            assertFalse(held.get(i).solution().contains("<<"), "calculator annotations must be removed");
        }
        assertEquals("gsm8k/test.jsonl:1", held.get(0).id());
        assertEquals("18", held.get(0).referenceAnswer());
        assertEquals("18", task.referenceAnswer("so\n#### 18"));
        assertEquals("1000", task.referenceAnswer("#### 1,000"));
    }

    /** R1's last stage: each row says whether the rules, the reward model or both reward it. */
    @Test
    void shouldReadEachRowsRewardRoute() throws IOException {
        Path file = write("mixed.jsonl", "{\"question\":\"1+1\",\"answer\":\"2\"}",
                "{\"question\":\"Write a haiku\",\"reward\":\"model\"}",
                "{\"question\":\"2+2\",\"answer\":\"4\",\"reward\":\"both\"}");
        JsonlTask task = JsonlTask.load("jsonl", file, file, BadLinePolicy.STOP);
        List<TaskPrompt> rows = task.heldOut(3);
        assertNull(rows.get(0).reward());
        assertEquals("model", rows.get(1).reward());
        assertEquals("", rows.get(1).referenceAnswer(), "a row the model alone rewards needs no answer");
        assertEquals("both", rows.get(2).reward());
        assertEquals("jsonl/mixed.jsonl:2", task.firstRoutedToModel().orElseThrow().id());
        Path bad = write("bad.jsonl", "{\"question\":\"q\",\"answer\":\"1\",\"reward\":\"judge\"}");
        JsonlFormatException e = assertThrows(JsonlFormatException.class,
                () -> JsonlTask.load("jsonl", bad, bad, BadLinePolicy.STOP));
        assertEquals(bad + ":1: \"reward\" must be rule, model or both, was 'judge'", e.getMessage());
        Path noAnswer = write("both.jsonl", "{\"question\":\"q\",\"reward\":\"both\"}");
        assertThrows(JsonlFormatException.class, () -> JsonlTask.load("jsonl", noAnswer, noAnswer, BadLinePolicy.STOP),
                "the rules need an answer");
    }

    @Test
    void shouldCycleThroughTrainingPromptsReshuffledEachEpoch() throws IOException {
        Path file = write("a.jsonl", "{\"question\":\"q1\",\"answer\":\"1\"}", "{\"question\":\"q2\",\"answer\":\"2\"}",
                "{\"question\":\"q3\",\"answer\":\"3\"}");
        JsonlTask task = JsonlTask.load("jsonl", file, file, BadLinePolicy.STOP);
        PromptStream s = task.trainStream(1);
        Set<String> epoch = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            epoch.add(s.next().question());
        }
        assertEquals(Set.of("q1", "q2", "q3"), epoch);
        assertTrue(Set.of("q1", "q2", "q3").contains(s.next().question()));
    }

    @Test
    void shouldAcceptPromptKeysNumericAnswersAndBlankLines() throws IOException {
        Path file = write("b.jsonl", "{\"prompt\":\"What is 2+2?\",\"answer\":4}", "", "   ",
                "{\"question\":\"x\",\"answer\":\"7\",\"solution\":\"<think>s</think> <answer>7</answer>\"}");
        List<TaskPrompt> all = new ArrayList<>();
        JsonlReader.Summary summary = JsonlReader.read(file, BadLinePolicy.STOP, r -> all.add(new TaskPrompt(
                "t", r.requireText("question", "prompt"), r.requireText("answer"), r.optionalText("solution"))));
        assertEquals(2, summary.records());
        assertEquals(0, summary.skipped());
        assertEquals("4", all.get(0).referenceAnswer());
        assertNull(all.get(0).solution());
        assertEquals("<think>s</think> <answer>7</answer>", all.get(1).solution());
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json|not valid JSON",
        "[1,2]|expected a JSON object, found array",
        "\"text\"|expected a JSON object, found string",
        "{\"answer\":\"1\"}|missing \"question\" or \"prompt\"",
        "{\"question\":\"q\"}|missing \"answer\"",
        "{\"question\":\"  \",\"answer\":\"1\"}|\"question\" is blank",
        "{\"question\":[\"q\"],\"answer\":\"1\"}|\"question\" must be a string or a number, was array",
        "{\"question\":\"q\",\"answer\":\"#### \"}|\"answer\" has nothing after \"####\"",
    })
    void shouldNameTheFileLineAndProblemOfABadLine(String bad, String problem) throws IOException {
        Path file = write("bad.jsonl", "{\"question\":\"ok\",\"answer\":\"1\"}", "", bad);
        JsonlFormatException e = assertThrows(JsonlFormatException.class,
                () -> JsonlTask.load("jsonl", file, file, BadLinePolicy.STOP));
        assertEquals(3, e.lineNumber());
        assertEquals(file, e.path());
        assertTrue(e.problem().startsWith(problem), e.problem());
        assertTrue(e.getMessage().startsWith(file + ":3: "), e.getMessage());
    }

    @Test
    void shouldSkipAndCountBadLinesWhenAsked() throws IOException {
        Path file = write("mixed.jsonl", "{\"question\":\"q1\",\"answer\":\"1\"}", "oops",
                "{\"question\":\"q2\"}", "{\"question\":\"q3\",\"answer\":\"3\"}");
        JsonlTask task = JsonlTask.load("jsonl", file, file, BadLinePolicy.SKIP);
        assertEquals(2, task.trainSize());
        assertEquals(2, task.trainSummary().skipped());
        assertEquals(2, task.trainSummary().firstProblems().get(0).lineNumber());
        assertEquals(3, task.trainSummary().firstProblems().get(1).lineNumber());
    }

    @Test
    void shouldHoldOutATenthByHashWithoutAHeldOutFile() {
        JsonlTask task = JsonlTask.load("gsm8k", gsm8k("train.jsonl"), null, BadLinePolicy.STOP);
        assertEquals(7473, task.trainSize() + task.heldOutSize());
        assertTrue(task.heldOutSize() > 600 && task.heldOutSize() < 900, "held out " + task.heldOutSize());
        Set<String> held = new HashSet<>();
        task.heldOut(task.heldOutSize()).forEach(p -> held.add(p.id()));
        PromptStream s = task.trainStream(3);
        for (int i = 0; i < task.trainSize(); i++) {
            assertFalse(held.contains(s.next().id()));
        }
    }

    @Test
    void shouldSayWhenTheFileIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonlTask.load("jsonl", dir.resolve("none.jsonl"), null, BadLinePolicy.STOP));
        assertTrue(e.getMessage().contains("none.jsonl"));
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }
}
