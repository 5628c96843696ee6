package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reward-model commands in-process as a user runs them: pairs from the arithmetic task, training a GPT reward
 * model from an SFT checkpoint and a Qwen3 one from init-model --reward-model, scoring, exporting; and refusals.
 */
class RewardModelCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path pairs;
    private static Path sft;

    /** Pairs, and the cold start of a small GPT to put a score head on. */
    @BeforeAll
    static void makePairsAndAGpt() throws Exception {
        pairs = dir.resolve("pairs.jsonl");
        CliRun r = CliRun.of("rm", "pairs", "--task", "arithmetic", "--count", "48", "--out", pairs.toString());
        assertEquals(0, r.code(), r.err());
        sft = dir.resolve("gpt-sft");
        CliRun cold = CliRun.of("sft", "--task", "arithmetic", "--steps", "1", "--out", sft.toString(), "--set",
                "aha.train.cold-start.batch-size=2", "--set", "aha.policy.model-dim=32", "--set",
                "aha.policy.layers=1", "--set", "aha.policy.heads=2");
        assertEquals(0, cold.code(), cold.err());
    }

    @Test
    void pairsHoldTheWorkedSolutionAndAWrongOne() throws Exception {
        List<String> lines = Files.readAllLines(pairs);
        assertEquals(48, lines.size());
        for (String line : lines) {
            JsonNode pair = JSON.readTree(line);
            assertTrue(pair.get("chosen").asText().startsWith("<think>"), line);
            assertNotEquals(pair.get("chosen").asText(), pair.get("rejected").asText());
            assertTrue(pair.get("prompt").asText().length() > 0);
        }
    }

    @Test
    void aGptCheckpointTrainsIntoARewardModelThatScores() throws Exception {
        Path rm = dir.resolve("gpt-rm");
        CliRun trained = CliRun.of("rm", "train", "--model", sft.toString(), "--data", pairs.toString(), "--out",
                rm.toString(), "--steps", "3", "--batch-size", "4", "--lr", "1e-3", "--held-out", "0.25");
        assertEquals(0, trained.code(), trained.err());
        JsonNode figures = JSON.readTree(rm.resolve(RmTrainCommand.FIGURES).toFile());
        assertEquals(12, figures.get("held_out_pairs").asInt());
        assertEquals(36, figures.get("train_pairs").asInt());
        assertTrue(figures.get("held_out_accuracy").asDouble() >= 0 && figures.get("held_out_accuracy").asDouble() <= 1);

        Path input = dir.resolve("texts.jsonl");
        Files.writeString(input, "{\"text\": \"1+2=3\"}\n{\"prompt\": \"1+2=\", \"completion\": \"3\"}\n");
        CliRun scored = CliRun.of("rm", "score", "--model", rm.toString(), "--input", input.toString());
        assertEquals(0, scored.code(), scored.err());
        String[] out = scored.out().split("\n");
        assertEquals(2, out.length);
        JsonNode first = JSON.readTree(out[0]);
        JsonNode second = JSON.readTree(out[1]);
        assertEquals(1, first.get("line").asInt());
        assertEquals(6, first.get("ids").size(), "five characters and the end token");
        assertEquals(first.get("ids"), second.get("ids"), "prompt + completion is the same text");
        assertEquals(first.get("score").asDouble(), second.get("score").asDouble(), 1e-6);
    }

    @Test
    void aQwen3RewardModelInitialisesTrainsAndExports() throws Exception {
        Path init = dir.resolve("q3-rm");
        CliRun made = CliRun.of("init-model", "--reward-model", "--architecture", "qwen3", "--hidden", "32",
                "--layers", "1", "--heads", "2", "--kv-heads", "1", "--intermediate", "64", "--vocab", "128",
                "--out", init.toString());
        assertEquals(0, made.code(), made.err());
        JsonNode config = JSON.readTree(init.resolve("config.json").toFile());
        assertEquals("Qwen3ForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals("LABEL_0", config.get("id2label").get("0").asText());
        Path trained = dir.resolve("q3-trained");
        CliRun r = CliRun.of("rm", "train", "--model", init.toString(), "--tokenizer", "char", "--data",
                pairs.toString(), "--out", trained.toString(), "--steps", "2", "--batch-size", "2");
        assertEquals(0, r.code(), r.err());
        Path exported = dir.resolve("q3-bf16");
        CliRun e = CliRun.of("export", "--checkpoint", trained.toString(), "--dtype", "bf16", "--out",
                exported.toString());
        assertEquals(0, e.code(), e.err());
        JsonNode written = JSON.readTree(exported.resolve("config.json").toFile());
        assertEquals("bfloat16", written.get("torch_dtype").asText());
        assertEquals("Qwen3ForSequenceClassification", written.get("architectures").get(0).asText());
        Path input = dir.resolve("q3-texts.jsonl");
        Files.writeString(input, "{\"text\": \"2+2=4\"}\n");
        CliRun scored = CliRun.of("rm", "score", "--model", exported.toString(), "--tokenizer", "char", "--input",
                input.toString());
        assertEquals(0, scored.code(), scored.err());
        assertTrue(Double.isFinite(JSON.readTree(scored.out()).get("score").asDouble()), scored.out());
    }

    /** R1's last stage: general requests for the reward model, mixed with arithmetic for the rules. */
    @Test
    void generalPairsAndAMixedDatasetAreWritten() throws Exception {
        Path general = dir.resolve("general.jsonl");
        assertEquals(0, CliRun.of("rm", "pairs", "--task", "general", "--count", "20", "--out", general.toString())
                .code());
        List<String> pairLines = Files.readAllLines(general);
        assertEquals(20, pairLines.size());
        JsonNode pair = JSON.readTree(pairLines.get(0));
        assertNotEquals(pair.get("chosen").asText(), pair.get("rejected").asText());
        Path mixed = dir.resolve("mixed.jsonl");
        assertEquals(0, CliRun.of("rm", "mixed", "--count", "40", "--out", mixed.toString()).code());
        int model = 0;
        for (String line : Files.readAllLines(mixed)) {
            JsonNode row = JSON.readTree(line);
            if (row.get("reward").asText().equals("model")) {
                model++;
                assertTrue(!row.has("answer"), line);
            } else {
                assertEquals("rule", row.get("reward").asText());
                assertTrue(row.has("answer"), line);
            }
        }
        assertTrue(model > 5 && model < 35, "about half general: " + model);
        assertRefused(List.of("train", "--task", "jsonl", "--train", mixed.toString(), "--eval", mixed.toString()),
                "is rewarded by the reward model (reward = model) and aha.reward.model.path is empty");
    }

    @Test
    void refusalsAreOneLine() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"chosen\": \"a\", \"rejected\": \"b\"}\n{\"prompt\": \"q\", \"chosen\": \"x\"}\n");
        assertRefused(List.of("rm", "train", "--model", sft.toString(), "--data", bad.toString(), "--out",
                dir.resolve("never").toString()), bad + ":2: missing \"rejected\"");
        assertRefused(List.of("rm", "score", "--model", sft.toString(), "--input", bad.toString()),
                "without a score head");
        assertRefused(List.of("rm", "score", "--model", "../runtime/src/test/fixtures/reward-reference/llama",
                "--input", bad.toString(), "--tokenizer", "char"), "num_labels = 2");
    }

    private static void assertRefused(List<String> args, String expected) {
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(1, r.code(), "exit 1 for " + args + ": " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
