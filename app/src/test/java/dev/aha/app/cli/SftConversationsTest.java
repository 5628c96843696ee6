package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aha sft --data on conversations in TRL's format: the built-in GPT's compact calls, a chat model's tool_calls. */
class SftConversationsTest {

    private static final String TINY_GPT = "aha.policy { model-dim = 32, layers = 1, heads = 2 }\n"
            + "aha.train.cold-start.batch-size = 2\n";
    private static final String CALCULATOR = "{\"messages\": [{\"role\": \"user\", \"content\": \"12*34\"},"
            + " {\"role\": \"assistant\", \"content\": \"<think>[calculator 12*34]\"},"
            + " {\"role\": \"tool\", \"content\": \"408\"},"
            + " {\"role\": \"assistant\", \"content\": \"</think> <answer>408</answer>\"}]}";

    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws Exception {
        return Files.write(dir.resolve(name), java.util.List.of(lines));
    }

    private Path conf(String text) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "aha", ".conf"), text);
    }

    @Test
    void theBuiltInGptTrainsOnCompactConversations() throws Exception {
        Path data = file("calls.jsonl", CALCULATOR, CALCULATOR.replace("12*34", "5*6").replace("408", "30"));
        CliRun r = CliRun.of("sft", "--data", data.toString(), "--steps", "2", "--out", dir.resolve("gpt").toString(),
                "--config", conf(TINY_GPT).toString());
        assertEquals(0, r.code(), r.err());
        try (var written = Files.list(dir.resolve("gpt"))) {
            assertTrue(written.findAny().isPresent(), "a checkpoint");
        }
    }

    @Test
    void aChatModelTrainsOnTrlToolCalls() throws Exception {
        Path model = dir.resolve("q3");
        assertEquals(0, CliRun.of("init-model", "--architecture", "qwen3", "--hidden", "32", "--layers", "1",
                "--heads", "2", "--kv-heads", "1", "--intermediate", "64", "--tokenizer",
                TestData.tokenizer("qwen3").toString(), "--seed", "3", "--out", model.toString()).code());
        Path data = file("trl.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 6*7?\"},"
                + " {\"role\": \"assistant\", \"content\": null,"
                + " \"tool_calls\": [{\"type\": \"function\", \"function\":"
                + " {\"name\": \"calculator\", \"arguments\": {\"expression\": \"6*7\"}}}]},"
                + " {\"role\": \"tool\", \"content\": \"42\"}, {\"role\": \"assistant\", \"content\": \"42.\"}],"
                + " \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"calculator\","
                + " \"parameters\": {\"type\": \"object\"}}}]}");
        CliRun r = CliRun.of("sft", "--model", model.toString(), "--data", data.toString(), "--steps", "1", "--out",
                dir.resolve("q3-sft").toString(), "--config",
                conf("aha.train.cold-start.batch-size = 1\naha.policy.context-length = 512").toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aFileOfBothKindsAndAConversationNoEpisodeCouldMakeAreRefused() throws Exception {
        Path mixed = file("mixed.jsonl", "{\"prompt\": \"1+1\", \"completion\": \"2\"}", CALCULATOR);
        CliRun r = CliRun.of("sft", "--data", mixed.toString(), "--steps", "1", "--out", dir.resolve("m").toString(),
                "--config", conf(TINY_GPT).toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(mixed + ":2: a file holds either prompt and completion rows or messages rows, and "
                + "line 1 is the other kind"), r.err());
        Path twoResults = file("two.jsonl", CALCULATOR, CALCULATOR.replace("{\"role\": \"tool\", \"content\": \"408\"}",
                "{\"role\": \"tool\", \"content\": \"408\"}, {\"role\": \"tool\", \"content\": \"408\"}"));
        r = CliRun.of("sft", "--data", twoResults.toString(), "--steps", "1", "--out", dir.resolve("t").toString(),
                "--config", conf(TINY_GPT).toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(twoResults + ":2: message 3: between two assistant turns stands one tool or "
                + "user message (an episode makes one call per turn)"), r.err());
    }
}
