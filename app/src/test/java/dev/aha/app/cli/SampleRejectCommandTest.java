package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * aha sample and aha reject as a user runs them: a tiny random GPT checkpoint sampled, killed and continued; a
 * Hugging Face checkpoint sampled through its chat template; reject's output read by aha sft --data.
 */
class SampleRejectCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TINY_GPT = "aha.policy { model-dim = 32, layers = 1, heads = 2 }\n"
            + "aha.train.cold-start.batch-size = 2\n";

    @TempDir
    static Path dir;

    private static Path gpt;

    @BeforeAll
    static void tinyCheckpoint() throws Exception {
        gpt = dir.resolve("gpt");
        CliRun r = CliRun.of("sft", "--task", "arithmetic", "--steps", "1", "--out", gpt.toString(), "--config",
                conf(TINY_GPT).toString());
        assertEquals(0, r.code(), r.err());
    }

    private static String[] sample(Path out, int prompts, String... more) {
        List<String> args = new ArrayList<>(List.of("sample", "--checkpoint", gpt.toString(), "--task", "arithmetic",
                "--k", "3", "--prompts", Integer.toString(prompts), "--max-new-tokens", "12", "--seed", "5", "--out",
                out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void writesOneScoredLinePerSampleGroupedByPrompt() throws Exception {
        Path out = dir.resolve("whole.jsonl");
        CliRun r = CliRun.of(sample(out, 4));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(12, lines.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertEquals(i % 3, line.get("sample").asInt());
            assertEquals(3, line.get("k").asInt());
            assertEquals(0, line.get("policy_version").asLong(), "an SFT checkpoint: version 0");
            assertTrue(line.get("prompt").asText().startsWith("User: "), "the rendered prompt");
            assertTrue(line.get("prompt_id").asText().startsWith("arithmetic/"));
            for (String key : List.of("accuracy", "format", "language")) {
                assertTrue(line.get("rewards").has(key), key + " in " + line);
            }
            for (String key : List.of("correct", "well_formed", "language_consistent", "truncated")) {
                assertTrue(line.get(key).isBoolean(), key);
            }
            assertTrue(line.get("tokens").asInt() <= 12);
            assertEquals(line.get("tokens").asInt() == 12, line.get("truncated").asBoolean(),
                    "12 tokens and no end token: hit the limit");
            assertTrue(line.has("completion") && line.has("answer") && line.has("reward"));
            ids.add(line.get("prompt_id").asText());
        }
        assertEquals(4, ids.size());

        CliRun again = CliRun.of(sample(out, 4));
        assertEquals(0, again.code(), again.err());
        assertEquals(lines, Files.readAllLines(out), "a finished file is left as it is");
    }

    /**
     * kill -9 mid-way: the first run stopped after two prompts (--prompts 2 stands for the kill; the list of 4 begins
     * with the same 2), with the next group half written and its last line torn. The re-run writes exactly what one
     * uninterrupted run writes: no line twice, none lost.
     */
    @Test
    void aKilledRunContinuesWithoutDuplicatesOrLosses() throws Exception {
        Path whole = dir.resolve("reference.jsonl");
        assertEquals(0, CliRun.of(sample(whole, 4)).code());
        String expected = Files.readString(whole);

        Path out = dir.resolve("killed.jsonl");
        assertEquals(0, CliRun.of(sample(out, 2)).code());
        String two = Files.readString(out);
        assertTrue(expected.startsWith(two), "the first two prompts' groups");
        int cut = expected.indexOf('\n', two.length()) + 1 + 25; // the third group's first line and 25 bytes more
        Files.writeString(out, expected.substring(0, cut));

        CliRun resumed = CliRun.of(sample(out, 4));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(expected, Files.readString(out));

        CliRun otherK = CliRun.of("sample", "--checkpoint", gpt.toString(), "--task", "arithmetic", "--k", "2",
                "--prompts", "4", "--out", out.toString());
        assertEquals(1, otherK.code());
        assertTrue(otherK.err().contains("was written with --k 3, this run samples 2"), otherK.err());
        assertEquals(expected, Files.readString(out), "left as it was");
    }

    @Test
    void refusesAnAgentTaskWhoseToolsItWouldNotRun(@TempDir Path dir) {
        Path out = dir.resolve("samples.jsonl");
        CliRun r = CliRun.of("sample", "--checkpoint", gpt.toString(), "--task", "arithmetic-tool", "--k", "2",
                "--prompts", "4", "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("task arithmetic-tool plays multi-turn episodes, which offline sampling does not "
                + "run"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void samplesAHuggingFaceCheckpointThroughItsChatTemplate() throws Exception {
        Path tokenizer = TestData.tokenizer("qwen3");
        Path model = dir.resolve("q3");
        assertEquals(0, CliRun.of("init-model", "--architecture", "qwen3", "--hidden", "32", "--layers", "1",
                "--heads", "2",
                "--kv-heads", "1", "--intermediate", "64", "--tokenizer", tokenizer.toString(), "--seed", "3",
                "--out", model.toString()).code());
        Path checkpoint = dir.resolve("q3-sft");
        CliRun sft = CliRun.of("sft", "--model", model.toString(), "--task", "arithmetic", "--steps", "1", "--out",
                checkpoint.toString(), "--config", conf("aha.train.cold-start.batch-size = 2").toString());
        assertEquals(0, sft.code(), sft.err());

        Path out = dir.resolve("q3.jsonl");
        CliRun r = CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--task", "arithmetic",
                "--split", "held-out",
                "--k", "2", "--prompts", "1", "--max-new-tokens", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertTrue(first.get("prompt").asText().startsWith("<|im_start|>user\n"), first.get("prompt").asText());
        assertTrue(first.get("tokens").asInt() <= 4);

        CliRun fromModel = CliRun.of("sample", "--model", model.toString(), "--task", "arithmetic", "--k", "1",
                "--prompts", "1", "--max-new-tokens", "2", "--out", dir.resolve("q3-model.jsonl").toString());
        assertEquals(0, fromModel.code(), "a Hugging Face model alone, version 0: " + fromModel.err());
    }

    /** What reject keeps, aha sft --data trains on: the rendered prompt as written, the completion after it. */
    @Test
    void rejectWritesSftDataAndItsStatistics() throws Exception {
        List<String> samples = new ArrayList<>();
        String good = "<think>7+5=12 12-3=9</think> <answer>9</answer>";
        String[][] rows = {
            {"a", "0", "true", "true", good},
            {"a", "1", "true", "true", " " + good + " "},           // a duplicate but for white space
            {"a", "2", "false", "true", "<think>7+5=12</think> <answer>12</answer>"},
            {"b", "0", "true", "false", "9"},
            {"b", "1", "false", "false", "no"},
            {"b", "2", "false", "false", "no"}};
        for (String[] row : rows) {
            samples.add(JSON.writeValueAsString(JSON.createObjectNode().put("prompt_id", row[0])
                    .put("sample", Integer.parseInt(row[1])).put("k", 3).put("policy_version", 5)
                    .put("correct", Boolean.parseBoolean(row[2])).put("well_formed", Boolean.parseBoolean(row[3]))
                    .put("language_consistent", true).put("reward", 1.2).set("rewards", JSON.createObjectNode()
                            .put("accuracy", 1.0).put("format", 1.0).put("language", 1.0))));
            int last = samples.size() - 1;
            samples.set(last, samples.get(last).replaceFirst("}$", ",\"tokens\":20,\"truncated\":false,\"answer\":\"9\","
                    + "\"prompt\":\"User: 7+5-3 Assistant: \",\"completion\":" + JSON.writeValueAsString(row[4]) + "}"));
        }
        Path in = Files.write(dir.resolve("to-reject.jsonl"), samples);
        Path out = dir.resolve("sft-data.jsonl");
        CliRun r = CliRun.of("reject", "--samples", in.toString(), "--out", out.toString(), "--max-per-prompt", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("kept                    1 (16.7%)"), r.out());
        assertTrue(r.out().contains("duplicate             1"), r.out());
        assertTrue(r.out().contains("0 none correct, 2 mixed, 0 all correct"), r.out());
        List<String> kept = Files.readAllLines(out);
        assertEquals(1, kept.size());
        JsonNode line = JSON.readTree(kept.get(0));
        assertEquals("User: 7+5-3 Assistant: ", line.get("prompt").asText());
        assertEquals(good, line.get("completion").asText());
        JsonNode stats = JSON.readTree(dir.resolve("sft-data.jsonl.stats.json").toFile());
        assertEquals(6, stats.get("lines_read").asInt());
        assertEquals(1, stats.get("prompts_none_kept").asInt());
        assertEquals(3, stats.get("rejected").get("incorrect").asInt(), "a/2, b/1, b/2");
        assertEquals(1, stats.get("rejected").get("malformed").asInt(), "b/0: correct, not well-formed");
        assertEquals(1, stats.get("rejected").get("duplicate").asInt(), "a/1");

        CliRun sft = CliRun.of("sft", "--data", out.toString(), "--steps", "1", "--out", dir.resolve("sft2").toString(),
                "--config", conf(TINY_GPT).toString());
        assertEquals(0, sft.code(), "aha sft reads what aha reject writes: " + sft.err());

        Path real = dir.resolve("real.jsonl");
        assertEquals(0, CliRun.of(sample(real, 2)).code());
        CliRun onRealSamples = CliRun.of("reject", "--samples", real.toString(), "--out",
                dir.resolve("none.jsonl").toString());
        assertEquals(0, onRealSamples.code(), "reads aha sample's lines: " + onRealSamples.err());
        assertTrue(onRealSamples.out().contains("lines read              6"), onRealSamples.out());
    }

    @Test
    void sampleRefusesInOneLineWhatItCannotDo() {
        Path out = dir.resolve("refused.jsonl");
        CliRun tooLong = CliRun.of("sample", "--checkpoint", gpt.toString(), "--task", "arithmetic", "--prompts", "2",
                "--max-new-tokens", "150", "--out", out.toString());
        assertEquals(1, tooLong.code());
        assertTrue(tooLong.err().contains("2 of the 2 prompts do not fit"), tooLong.err());
        CliRun endless = CliRun.of("sample", "--checkpoint", gpt.toString(), "--task", "arithmetic", "--out",
                out.toString());
        assertEquals(1, endless.code());
        assertTrue(endless.err().contains("has no end to its train split: give --prompts N"), endless.err());
        CliRun neither = CliRun.of("sample", "--task", "arithmetic", "--prompts", "2", "--out", out.toString());
        assertEquals(1, neither.code());
        assertTrue(neither.err().contains("give exactly one of --checkpoint DIR and --model DIR"), neither.err());
        CliRun split = CliRun.of("sample", "--checkpoint", gpt.toString(), "--split", "test", "--out", out.toString());
        assertTrue(split.err().contains("--split must be train or held-out"), split.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void badRejectSettingsFailAtStartUpAndInConfigCheck() throws Exception {
        CliRun check = CliRun.of("config", "check", conf("aha.reject.max-all-correct-share = 2").toString());
        assertEquals(1, check.code());
        assertTrue(check.err().contains("max-all-correct-share must be in [0, 1], was 2.0"), check.err());
        CliRun typo = CliRun.of("config", "check", conf("aha.reject.max-per-promt = 2").toString());
        assertEquals(1, typo.code());
        assertTrue(typo.err().contains("did you mean aha.reject.max-per-prompt?"), typo.err());
    }

    @Test
    void rejectNamesTheLineOfABadInput() throws Exception {
        Path in = Files.writeString(dir.resolve("bad.jsonl"), "{\"prompt_id\": \"a\"}\n");
        CliRun r = CliRun.of("reject", "--samples", in.toString(), "--out", dir.resolve("x.jsonl").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.jsonl:1: missing"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        CliRun options = CliRun.of("reject", "--samples", in.toString(), "--out", dir.resolve("x.jsonl").toString(),
                "--min-tokens", "9", "--max-tokens", "3");
        assertEquals(1, options.code());
        assertTrue(options.err().contains("max-tokens (3) is below min-tokens (9)"), options.err());
    }

    private static Path conf(String text) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "aha", ".conf"), text);
    }

}
