package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.testing.TestData;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The accuracy and format rewards against every real GSM8K test solution, and a sample of the training set. */
class Gsm8kAccuracyTest {
    private static final String MARKER = "#### ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AccuracyReward accuracy = new AccuracyReward();
    private final FormatReward format = new FormatReward();

    /** One GSM8K solution: the worked text (the completion) and the text after "#### " (the reference). */
    private record Solution(int line, String text, String reference) {
        String withFinalAnswer(String answer) {
            return text.substring(0, text.lastIndexOf(MARKER) + MARKER.length()) + answer;
        }

        String reasoning() {
            return text.substring(0, text.lastIndexOf(MARKER)).strip();
        }

        BigDecimal value() {
            return new BigDecimal(reference.replace(",", ""));
        }
    }

    @Test
    void shouldScoreEveryTestSolutionAgainstItsOwnAnswer() throws IOException {
        List<Solution> solutions = read("test.jsonl");
        assertEquals(1319, solutions.size());
        assertAll(solutions, s -> s.text, s -> s.reference, 1.0);
        assertAll(solutions, s -> s.text, s -> s.value().toPlainString(), 1.0);
    }

    @Test
    void shouldScoreZeroForEveryTestSolutionWithItsFinalNumberChanged() throws IOException {
        List<Solution> solutions = read("test.jsonl");
        assertAll(solutions, s -> s.withFinalAnswer(s.value().add(BigDecimal.ONE).toPlainString()), s -> s.reference, 0.0);
        assertAll(solutions, s -> s.withFinalAnswer(s.value().subtract(BigDecimal.ONE).toPlainString()), s -> s.reference,
                0.0);
    }

    @Test
    void shouldScoreTestSolutionsRewrittenInR1Format() throws IOException {
        List<String> failures = new ArrayList<>();
        for (Solution s : read("test.jsonl")) {
            String completion = "<think>\n" + s.reasoning() + "\n</think>\n<answer>" + s.reference + "</answer>";
            RewardInput input = new RewardInput("", completion, s.value().toPlainString());
            if (accuracy.score(input) != 1.0 || format.score(input) != 1.0) {
                failures.add("line " + s.line + ": " + completion);
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.get(0));
    }

    @Test
    void shouldScoreASampleOfTrainingSolutions() throws IOException {
        List<Solution> all = read("train.jsonl");
        assertEquals(7473, all.size());
        // Every fifth line: a spread across the file that keeps the test fast.
        List<Solution> sample = IntStream.range(0, all.size()).filter(i -> i % 5 == 0).mapToObj(all::get).toList();
        assertAll(sample, s -> s.text, s -> s.reference, 1.0);
        assertAll(sample, s -> s.withFinalAnswer(s.value().add(BigDecimal.ONE).toPlainString()), s -> s.reference, 0.0);
    }

    private void assertAll(List<Solution> solutions, Function<Solution, String> completion,
                           Function<Solution, String> reference, double expected) {
        List<String> failures = new ArrayList<>();
        for (Solution s : solutions) {
            RewardInput input = new RewardInput("", completion.apply(s), reference.apply(s));
            if (accuracy.score(input) != expected) {
                failures.add("line " + s.line + " (reference " + input.referenceAnswer() + "): " + input.completion());
            }
        }
        assertTrue(failures.isEmpty(),
                () -> failures.size() + " of " + solutions.size() + " not " + expected + ", first: " + failures.get(0));
    }

    private static List<Solution> read(String file) throws IOException {
        List<String> lines = Files.readAllLines(TestData.gsm8k(file));
        List<Solution> solutions = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode node = JSON.readTree(lines.get(i));
            String text = node.get("answer").asText();
            String reference = text.substring(text.lastIndexOf(MARKER) + MARKER.length()).strip();
            solutions.add(new Solution(i + 1, text, reference));
        }
        return solutions;
    }
}
