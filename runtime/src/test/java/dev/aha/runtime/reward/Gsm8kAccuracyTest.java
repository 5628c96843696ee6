package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accuracy rule against every real GSM8K reference solution: each must score 1 on itself, 0 when altered. */
class Gsm8kAccuracyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AccuracyReward accuracy = new AccuracyReward();

    static Path gsm8k(String file) {
        return Path.of(System.getProperty("aha.shared.dir", "../../shared"), "data", "gsm8k", file);
    }

    @Test
    void shouldScoreEveryTestSolutionCorrectOnItselfAndWrongWhenItsFinalNumberChanges() throws IOException {
        List<String[]> rows = read(gsm8k("test.jsonl"), Integer.MAX_VALUE);
        assertEquals(1319, rows.size());
        checkAll(rows);
    }

    @Test
    void shouldScoreTrainSolutionsToo() throws IOException {
        List<String[]> rows = read(gsm8k("train.jsonl"), 2000);
        assertEquals(2000, rows.size());
        checkAll(rows);
    }

    private void checkAll(List<String[]> rows) {
        int right = 0;
        int wrongWhenAltered = 0;
        for (String[] row : rows) {
            String solution = row[0];
            String reference = row[1];
            if (accuracy.score(new RewardInput("", solution, reference)) == 1.0) {
                right++;
            }
            String altered = solution.substring(0, solution.lastIndexOf("####")) + "#### " + plusOne(reference);
            if (accuracy.score(new RewardInput("", altered, reference)) == 0.0) {
                wrongWhenAltered++;
            }
        }
        assertEquals(rows.size(), right, "solutions scored correct on themselves");
        assertEquals(rows.size(), wrongWhenAltered, "altered solutions scored wrong");
    }

    private static String plusOne(String reference) {
        return new BigDecimal(reference.replace(",", "")).add(BigDecimal.ONE).toPlainString();
    }

    private static List<String[]> read(Path file, int limit) throws IOException {
        assertTrue(Files.isRegularFile(file), "GSM8K not found at " + file.toAbsolutePath());
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || rows.size() == limit) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            String answer = node.get("answer").asText();
            String reference = answer.substring(answer.lastIndexOf("####") + 4).trim();
            rows.add(new String[] {answer, reference});
        }
        return rows;
    }
}
