package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aha eval --extract}: a tiny checkpoint evaluated with answers read strictly (the default) and flexibly, the
 * mode chosen by aha.reward.extract or the option, and written into the output.
 */
class EvalExtractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path checkpoint;

    @BeforeAll
    static void tinyCheckpoint() {
        checkpoint = dir.resolve("sft");
        CliRun r = CliRun.of("sft", "--task", "arithmetic", "--steps", "1", "--out", checkpoint.toString(), "--config",
                conf("cold.conf", "aha.train.cold-start.batch-size = 2\n"
                        + "aha.policy { model-dim = 32, layers = 1, heads = 2 }").toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void strictIsTheDefaultAndTheOutputSaysSo() throws Exception {
        JsonNode out = eval();
        assertEquals("strict", out.get("extract").asText());
        JsonNode strict = eval("--extract", "strict");
        assertEquals("strict", strict.get("extract").asText());
        assertEquals(out.get("pass1").asDouble(), strict.get("pass1").asDouble(), 0.0, "the same seed, the same run");
    }

    /**
     * One seed, so the same completions: flexible reads every answer strict reads (its strict forms come first) and
     * more, so it scores at least as high.
     */
    @Test
    void flexibleReadsTheSameCompletionsAtLeastAsGenerously() throws Exception {
        JsonNode strict = eval("--extract", "strict");
        JsonNode flexible = eval("--extract", "flexible");
        assertEquals("flexible", flexible.get("extract").asText());
        assertTrue(flexible.get("pass1").asDouble() >= strict.get("pass1").asDouble(), flexible + " vs " + strict);
        assertTrue(flexible.get("greedy_accuracy").asDouble() >= strict.get("greedy_accuracy").asDouble(),
                flexible + " vs " + strict);
        assertEquals(strict.get("format_rate").asDouble(), flexible.get("format_rate").asDouble(), 0.0);
        assertEquals(strict.get("mean_completion_tokens").asDouble(),
                flexible.get("mean_completion_tokens").asDouble(), 0.0);
    }

    @Test
    void theConfigKeyChoosesTheModeAndTheOptionOverridesIt() throws Exception {
        Path conf = conf("flexible.conf", "aha.reward.extract = flexible\n");
        assertEquals("flexible", eval("--config", conf.toString()).get("extract").asText());
        assertEquals("strict", eval("--config", conf.toString(), "--extract", "strict").get("extract").asText());
    }

    @Test
    void reportsTheUnbiasedPassAtEveryKUpToTheSamplesAndRefusesNone() throws Exception {
        JsonNode out = eval("--k", "8");
        assertEquals(8, out.get("k").asInt());
        assertEquals(out.get("pass1").asDouble(), out.get("pass@1").asDouble(), 1e-12);
        for (int j = 2; j <= 8; j++) {
            assertTrue(out.get("pass@" + j).asDouble() >= out.get("pass@" + (j - 1)).asDouble(), out.toString());
        }
        assertFalse(out.has("pass@9"));
        assertFalse(out.has("tool_calls_per_sample"), "no tool calls to count in a single-turn task: " + out);
        CliRun r = CliRun.of("eval", "--checkpoint", checkpoint.toString(), "--task", "arithmetic", "--k", "0");
        assertEquals(1, r.code(), r.err());
        assertEquals("aha eval: --k must be at least 1 (the n of pass@k: samples per prompt), was 0", r.err().strip());
    }

    @Test
    void shouldRefuseAnUnknownModeInOneLine() {
        CliRun r = CliRun.of("eval", "--checkpoint", checkpoint.toString(), "--task", "arithmetic", "--prompts", "1",
                "--k", "1", "--extract", "loose");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("--extract must be strict or flexible, was 'loose'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static JsonNode eval(String... options) throws Exception {
        List<String> line = new ArrayList<>(List.of("eval", "--checkpoint", checkpoint.toString(), "--task",
                "arithmetic", "--prompts", "3"));
        line.addAll(List.of(options));
        if (!line.contains("--k")) {
            line.addAll(List.of("--k", "2"));
        }
        CliRun r = CliRun.of(line.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        JsonNode out = JSON.readTree(r.out());
        assertEquals(3, out.get("prompts").asInt());
        return out;
    }

    private static Path conf(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
