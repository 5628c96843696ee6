package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aha score --task humaneval} on the real HumanEval, as README's acceptance check runs it. */
class CodeScoreCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Path humanEval() {
        return TestData.humanEval();
    }

    private List<JsonNode> score(String... args) throws Exception {
        Path out = dir.resolve("out-" + System.nanoTime() + ".jsonl");
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--output", out.toString()));
        CliRun run = CliRun.of(all.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    @Tag("slow") // 328 sandboxed runs: in verify
    void shouldPassEveryCanonicalSolutionAndNoneThatReturnsNone() throws Exception {
        List<JsonNode> canonical = score("score", "--task", "humaneval", "--dataset", humanEval().toString(),
                "--reference-solutions", "canonical");
        assertEquals(164, canonical.size());
        for (JsonNode line : canonical) {
            assertEquals("passed", line.get("outcome").asText(), line.toString());
            assertEquals(1.0, line.get("accuracy").asDouble());
        }
        List<JsonNode> none = score("score", "--task", "humaneval", "--dataset", humanEval().toString(),
                "--reference-solutions", "return-none");
        assertEquals(164, none.size());
        for (JsonNode line : none) {
            assertEquals(0.0, line.get("accuracy").asDouble(), line.toString());
            assertTrue(List.of("failed", "timeout").contains(line.get("outcome").asText()), line.toString());
        }
    }

    @Test
    void shouldScoreInputLinesByTaskIdOrByTheirOwnTests() throws Exception {
        Path input = Files.write(dir.resolve("in.jsonl"), List.of(
                "{\"task_id\": \"HumanEval/53\", \"completion\": \"```python\\ndef add(x: int, y: int):\\n"
                        + "    return x + y\\n```\"}",
                "{\"id\": \"t\", \"completion\": \"<think>5-1=4</think> <answer>def f(x): return x+4</answer>\", "
                        + "\"answer\": \"assert f(1) == 5\\nassert f(2) == 6\\n\"}",
                "{\"id\": \"s\", \"completion\": \"<answer>def f(x) return</answer>\", "
                        + "\"answer\": \"assert f(1) == 5\\n\"}"));
        List<JsonNode> lines = score("score", "--task", "humaneval", "--dataset", humanEval().toString(),
                "--input", input.toString());
        assertEquals("passed", lines.get(0).get("outcome").asText(), lines.get(0).toString());
        assertEquals("HumanEval/53", lines.get(0).get("id").asText());
        assertEquals("passed", lines.get(1).get("outcome").asText(), lines.get(1).toString());
        assertEquals(1.2, lines.get(1).get("reward").asDouble(), 1e-9, "accuracy plus format");
        assertEquals(2, lines.get(1).get("tests").asInt());
        assertEquals("syntax_error", lines.get(2).get("outcome").asText(), lines.get(2).toString());
    }

    @Test
    void shouldRefuseADatasetWithARepeatedTaskIdOrABadEntryPoint() throws Exception {
        String line = "{\"task_id\": \"A/1\", \"prompt\": \"def f():\\n\", \"test\": \"def check(c): pass\", "
                + "\"canonical_solution\": \"    return 1\\n\", \"entry_point\": \"%s\"}";
        Path repeated = Files.write(dir.resolve("repeated.jsonl"), List.of(line.formatted("f"), line.formatted("f")));
        CliRun twice = CliRun.of("score", "--task", "humaneval", "--dataset", repeated.toString(),
                "--reference-solutions", "canonical");
        assertEquals(1, twice.code());
        assertTrue(twice.err().contains("repeated.jsonl:2: repeats task_id \"A/1\""), twice.err());
        Path injected = Files.write(dir.resolve("injected.jsonl"), List.of(line.formatted("f); import os; (")));
        CliRun bad = CliRun.of("score", "--task", "humaneval", "--dataset", injected.toString(),
                "--reference-solutions", "canonical");
        assertTrue(bad.err().contains("must be a Python identifier"), bad.err());
    }

    @Test
    void shouldNameWhatACodeScoreIsMissing() throws Exception {
        Path input = Files.write(dir.resolve("in.jsonl"), List.of("{\"task_id\": \"HumanEval/999\", "
                + "\"completion\": \"<answer>x</answer>\"}"));
        CliRun unknown = CliRun.of("score", "--task", "humaneval", "--dataset", humanEval().toString(),
                "--input", input.toString(), "--output", dir.resolve("o.jsonl").toString());
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("in.jsonl:1: task_id \"HumanEval/999\" is not in --dataset"), unknown.err());
        CliRun noDataset = CliRun.of("score", "--task", "humaneval", "--input", input.toString(),
                "--output", dir.resolve("o.jsonl").toString());
        assertTrue(noDataset.err().contains("needs --dataset FILE"), noDataset.err());
        CliRun both = CliRun.of("score", "--task", "humaneval", "--dataset", humanEval().toString(),
                "--input", input.toString(), "--reference-solutions", "canonical");
        assertTrue(both.err().contains("one of them"), both.err());
        CliRun extract = CliRun.of("score", "--task", "tinycode", "--input", input.toString(), "--extract",
                "flexible");
        assertTrue(extract.err().contains("runs programs"), extract.err());
        CliRun badKind = CliRun.of("score", "--task", "humaneval", "--dataset", humanEval().toString(),
                "--reference-solutions", "best");
        assertTrue(badKind.err().contains("must be canonical or return-none"), badKind.err());
        Path noTool = Files.writeString(dir.resolve("no-tool.conf"), "aha.sandbox.bubblewrap = /nonexistent/bwrap\n");
        CliRun missing = CliRun.of("score", "--task", "humaneval", "--dataset", humanEval().toString(),
                "--reference-solutions", "canonical", "--config", noTool.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("apt-get install bubblewrap"), missing.err());
        CliRun notCode = CliRun.of("score", "--task", "arithmetic", "--reference-solutions", "canonical");
        assertTrue(notCode.err().contains("are for code tasks"), notCode.err());
    }
}
