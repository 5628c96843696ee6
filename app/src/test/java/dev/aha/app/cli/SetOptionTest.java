package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --set KEY=VALUE} as {@code aha config check} reads it, which is how every command that reads configuration
 * reads it: over the --config file, its values HOCON, its mistakes one line naming the key.
 */
class SetOptionTest {

    @TempDir
    static Path dir;

    private static CommandRun check(String fileText, String... more) throws IOException {
        Path file = Files.createTempFile(dir, "run", ".conf");
        Files.writeString(file, fileText);
        List<String> line = new ArrayList<>(List.of("config", "check", file.toString()));
        line.addAll(List.of(more));
        return CommandRun.of(line.toArray(String[]::new));
    }

    private static void assertRefusedInOneLine(CommandRun r, String says) {
        assertEquals(1, r.code(), r.err() + r.out());
        String line = r.errorLines("config check");
        assertEquals(1, line.lines().count(), r.err());
        assertTrue(line.contains(says), "does not say '" + says + "': " + line);
    }

    @Test
    void aMisspelledKeyIsRefusedNamingTheNearestKnownKey() throws IOException {
        assertRefusedInOneLine(check("", "--set", "aha.grpo.betta=0.1"),
                "--set aha.grpo.betta=0.1: unknown configuration key aha.grpo.betta (did you mean aha.grpo.beta?)");
    }

    @Test
    void aBadValueIsRefusedAsInAFile() throws IOException {
        assertRefusedInOneLine(check("", "--set", "aha.train.rollouts=0"), "rollouts");
        assertRefusedInOneLine(check("", "--set", "aha.train.rollouts=two"), "rollouts");
        assertRefusedInOneLine(check("", "--set", "aha.train.chat-flags.names=[a, b"), "the value is not HOCON");
        assertRefusedInOneLine(check("", "--set", "aha.train.rollouts"), "--set takes KEY=VALUE");
    }

    @Test
    void aSetWinsOverTheFileAndTheLastSetOfAKeyWins() throws IOException {
        CommandRun r = check("aha.train { rollouts = 3, group-size = 6 }", "--set", "aha.train.rollouts=4",
                "--set", "aha.train.rollouts=2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rollouts=2"), r.out());
        assertTrue(r.out().contains("group-size=6"), r.out());
    }

    @Test
    void aPathIsTakenWhole() throws IOException {
        // HOCON would read this as /nonexistent and a comment; the path (normalised) comes through whole
        assertRefusedInOneLine(check("", "--set", "aha.tokenizer=/nonexistent//tokenizer dir"),
                "/nonexistent/tokenizer dir: not a directory");
        Path qwen = TestData.tokenizer("qwen3");
        CommandRun r = check("", "--set", "aha.tokenizer=" + qwen);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tokenizer=\"" + qwen + "\""), r.out());
    }

    @Test
    void aListIsHocon() throws IOException {
        CommandRun r = check("", "--set", "aha.train.chat-flags.names=[a, \"b c\"]");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"b c\""), r.out());
    }

    /** The same option on the commands that read their settings another way than through a --model. */
    @Test
    void scoreRejectPipelineAndBenchmarksTakeItToo() throws IOException {
        Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"completion\": \"1\", \"answer\": \"1\"}\n");
        CommandRun score = CommandRun.of("score", "--task", "arithmetic", "--input", in.toString(), "--set",
                "aha.reward.extract=loose");
        assertEquals(1, score.code(), score.err());
        assertTrue(score.errorLines("score").contains("aha.reward.extract must be strict or flexible, was 'loose'"),
                score.err());

        CommandRun reject = CommandRun.of("reject", "--samples", in.toString(), "--out",
                dir.resolve("kept.jsonl").toString(), "--set", "aha.reject.min-languag=0.5");
        assertEquals(1, reject.code(), reject.err());
        assertTrue(reject.errorLines("reject").contains("did you mean aha.reject.min-language?"), reject.err());

        Path recipe = Files.writeString(dir.resolve("recipe.conf"),
                "stages = [ { name = a, kind = sft, steps = 1 } ]\n");
        CommandRun pipeline = CommandRun.of("pipeline", "--recipe", recipe.toString(), "--out",
                dir.resolve("pipeline").toString(), "--check", "--set", "aha.backend=simulated");
        assertEquals(1, pipeline.code(), pipeline.err());
        assertTrue(pipeline.errorLines("pipeline").contains("aha.backend must be torch"), pipeline.err());

        CommandRun bench = CommandRun.of("bench", "sandbox", "--set", "aha.sandbox.max-concurrent=0");
        assertEquals(1, bench.code(), bench.err());
        assertTrue(bench.errorLines("bench sandbox").contains("max-concurrent"), bench.err());
    }
}
