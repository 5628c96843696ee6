package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code aha score} run in-process on the real GSM8K test set, as README's acceptance check runs it. */
class ScoreCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldScoreEveryGsm8kReferenceSolutionCorrectAndEveryAlteredOneWrong() throws Exception {
        Path test = dev.aha.runtime.testing.TestData.gsm8k("test.jsonl");
        List<String> own = new ArrayList<>();
        List<String> altered = new ArrayList<>();
        for (String line : Files.readAllLines(test)) {
            ObjectNode row = (ObjectNode) JSON.readTree(line);
            String answer = row.get("answer").asText();
            own.add(JSON.writeValueAsString(row.deepCopy().put("completion", answer)));
            int at = answer.lastIndexOf("####");
            String n = answer.substring(at + 4).trim().replace(",", "");
            String changed = answer.substring(0, at) + "#### " + new BigDecimal(n).add(BigDecimal.ONE).toPlainString();
            altered.add(JSON.writeValueAsString(row.deepCopy().put("completion", changed)));
        }
        assertEquals(1319, own.size());
        assertEquals(List.of(1.0), accuracies(own));
        assertEquals(List.of(0.0), accuracies(altered));
    }

    @Test
    void shouldNameTheLineOfABadInputAndExitWithOne() throws Exception {
        Path input = Files.write(dir.resolve("in.jsonl"),
                List.of("{\"completion\":\"<answer>4</answer>\",\"answer\":\"4\"}", "{\"answer\":\"4\"}"));
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.getSubcommands().get("score").setErr(new PrintWriter(err));
        int code = cli.execute("score", "--task", "arithmetic", "--input", input.toString(),
                "--output", dir.resolve("out.jsonl").toString());
        assertEquals(1, code);
        assertTrue(err.toString().contains("in.jsonl:2: missing \"completion\""), err.toString());

        int skipped = Aha.commandLine().execute("score", "--task", "arithmetic", "--input", input.toString(),
                "--output", dir.resolve("out.jsonl").toString(), "--on-bad-line", "skip");
        assertEquals(0, skipped);
        List<String> out = Files.readAllLines(dir.resolve("out.jsonl"));
        assertEquals(1, out.size());
        JsonNode first = JSON.readTree(out.get(0));
        assertEquals(1.0, first.get("accuracy").asDouble());
        assertEquals(0.0, first.get("format").asDouble());
        assertEquals("4", first.get("extracted").asText());
    }

    @Test
    void shouldRefuseAnUnknownTask() throws Exception {
        Path input = Files.write(dir.resolve("in.jsonl"), List.of("{\"completion\":\"x\",\"answer\":\"4\"}"));
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.getSubcommands().get("score").setErr(new PrintWriter(err));
        assertEquals(1, cli.execute("score", "--task", "chess", "--input", input.toString()));
        assertTrue(err.toString().contains("unknown task 'chess'"), err.toString());
    }

    private List<Double> accuracies(List<String> lines) throws Exception {
        Path input = Files.write(dir.resolve("score-in.jsonl"), lines);
        Path output = dir.resolve("score-out.jsonl");
        assertEquals(0, Aha.commandLine().execute("score", "--task", "gsm8k", "--input", input.toString(),
                "--output", output.toString()));
        List<String> out = Files.readAllLines(output);
        assertEquals(lines.size(), out.size());
        return out.stream().map(l -> {
            try {
                return JSON.readTree(l).get("accuracy").asDouble();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).distinct().toList();
    }
}
