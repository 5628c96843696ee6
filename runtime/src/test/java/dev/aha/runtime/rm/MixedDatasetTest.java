package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.task.ArithmeticSettings;
import dev.aha.runtime.task.ArithmeticTask;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R1's last-stage data: rule rows with answers among model rows without, the share and order fixed by the seed; the
 * held-out rows are the arithmetic task's own held-out problems, so a run on them evaluates on the same prompts.
 */
class MixedDatasetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> rows(Path file) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    @Test
    void ruleRowsCarryAnswersModelRowsNoneInASeededOrder(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.jsonl");
        int general = MixedDataset.write(a, ArithmeticSettings.defaults(), 400, 0.25, 3);
        List<JsonNode> rows = rows(a);
        assertEquals(400, rows.size());
        assertEquals(general, rows.stream().filter(r -> r.get("reward").asText().equals("model")).count());
        assertTrue(general > 60 && general < 140, "about a quarter: " + general);
        for (JsonNode r : rows) {
            boolean rule = r.get("reward").asText().equals("rule");
            assertEquals(rule, r.has("answer"), r.toString());
        }
        Path b = dir.resolve("b.jsonl");
        MixedDataset.write(b, ArithmeticSettings.defaults(), 400, 0.25, 3);
        assertEquals(Files.readAllLines(a), Files.readAllLines(b), "the same seed, the same rows");
        assertThrows(IllegalArgumentException.class,
                () -> MixedDataset.write(dir.resolve("c.jsonl"), ArithmeticSettings.defaults(), 4, 1.5, 3));
    }

    @Test
    void heldOutRowsAreTheTasksHeldOutProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("held-out.jsonl");
        MixedDataset.heldOut(file, ArithmeticSettings.defaults(), 5);
        List<TaskPrompt> expected = new ArithmeticTask(ArithmeticSettings.defaults()).heldOut(5);
        List<JsonNode> rows = rows(file);
        assertEquals(5, rows.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(expected.get(i).question(), rows.get(i).get("question").asText());
            assertEquals(expected.get(i).referenceAnswer(), rows.get(i).get("answer").asText());
            assertEquals("rule", rows.get(i).get("reward").asText());
        }
    }
}
