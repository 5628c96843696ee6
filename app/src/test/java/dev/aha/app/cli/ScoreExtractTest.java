package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code aha score --extract}: the same lines scored strictly (the default) and flexibly. */
class ScoreExtractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path input;

    @BeforeEach
    void writeInput() throws Exception {
        input = Files.write(dir.resolve("in.jsonl"), List.of(
                "{\"completion\": \"<answer>18</answer>\", \"answer\": \"18\"}",
                "{\"completion\": \"9 * 2 = 18.\\nAnswer: 18\", \"answer\": \"18\"}",
                "{\"completion\": \"So she makes **$18** a day.\", \"answer\": \"18\"}",
                "{\"completion\": \"She makes 19 dollars.\", \"answer\": \"18\"}"));
    }

    @Test
    void strictIsTheDefaultAndFindsOnlyTheMarkedAnswer() throws Exception {
        List<JsonNode> out = score();
        assertEquals(List.of(1.0, 0.0, 0.0, 0.0), accuracies(out));
        assertEquals("18", out.get(0).get("extracted").asText());
        assertTrue(out.get(1).get("extracted").isNull());
        assertEquals(accuracies(out), accuracies(score("--extract", "strict")));
    }

    @Test
    void flexibleFindsAnswersAsRealModelsWriteThem() throws Exception {
        List<JsonNode> out = score("--extract", "flexible");
        assertEquals(List.of(1.0, 1.0, 1.0, 0.0), accuracies(out));
        assertEquals(List.of("18", "18", "$18", "19"), out.stream().map(l -> l.get("extracted").asText()).toList());
    }

    @Test
    void theConfigKeyChoosesTheModeAndTheOptionOverridesIt() throws Exception {
        Path conf = Files.writeString(dir.resolve("flexible.conf"), "aha.reward.extract = flexible\n");
        assertEquals(List.of(1.0, 1.0, 1.0, 0.0), accuracies(score("--config", conf.toString())));
        assertEquals(List.of(1.0, 0.0, 0.0, 0.0),
                accuracies(score("--config", conf.toString(), "--extract", "strict")));
    }

    @Test
    void shouldRefuseAnUnknownModeInOneLine() {
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.getSubcommands().get("score").setErr(new PrintWriter(err));
        assertEquals(1, cli.execute("score", "--task", "gsm8k", "--input", input.toString(), "--extract", "loose"));
        assertTrue(err.toString().contains("--extract must be strict or flexible, was 'loose'"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    private List<JsonNode> score(String... options) throws Exception {
        Path output = dir.resolve("out.jsonl");
        List<String> line = new ArrayList<>(List.of("score", "--task", "gsm8k", "--input", input.toString(),
                "--output", output.toString()));
        line.addAll(List.of(options));
        assertEquals(0, Aha.commandLine().execute(line.toArray(String[]::new)));
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(output)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    private static List<Double> accuracies(List<JsonNode> out) {
        return out.stream().map(l -> l.get("accuracy").asDouble()).toList();
    }
}
