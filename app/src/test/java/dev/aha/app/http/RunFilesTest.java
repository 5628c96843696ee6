package dev.aha.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFilesTest {

    static String step(int n) {
        return "{\"step\":" + n + ",\"version\":" + n + ",\"reward_mean\":0." + n + ",\"accuracy\":0.5,"
                + "\"staleness_histogram\":{\"0\":8,\"1\":" + n + "}}\n";
    }

    static String eval(int n) {
        return "{\"step\":" + n + ",\"version\":" + n + ",\"run_seconds\":3.5,\"eval\":{\"pass1\":0.25,\"k\":4}}\n";
    }

    @Test
    void aLineStillBeingWrittenWaitsForItsNewlineAndTheFileIsFollowedAsItGrows(@TempDir Path dir) throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        Files.writeString(metrics, step(1) + step(2) + eval(2) + "{\"step\":3,\"vers");
        RunFiles files = new RunFiles(dir);
        assertEquals(2, files.stepsAfter(-1).size());
        assertEquals(1, files.evals().size());
        assertNull(files.header().get("warning"), "a partial last line is no error: " + files.header());
        assertFalse(files.header().get("finished").asBoolean());
        Files.writeString(metrics, "ion\":3}\n" + step(4), StandardOpenOption.APPEND);
        assertEquals(java.util.List.of(3L, 4L), files.stepsAfter(2).stream().map(s -> s.get("step").asLong()).toList());
        ObjectNodeCheck.full(files);
    }

    /** A resumed run cuts a torn last line off: a file that shrank is read again from its start. */
    @Test
    void aFileThatShrankIsReadAgainFromItsStart(@TempDir Path dir) throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        Files.writeString(metrics, step(1) + step(2) + step(3));
        RunFiles files = new RunFiles(dir);
        assertEquals(3, files.stepsAfter(-1).size());
        Files.writeString(metrics, step(1));
        assertEquals(1, files.stepsAfter(-1).size());
        Files.writeString(metrics, step(2), StandardOpenOption.APPEND);
        assertEquals(2, files.stepsAfter(-1).size());
    }

    @Test
    void aMalformedLineStopsTheReadingThereWithAWarningNamingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("metrics.jsonl"), step(1) + "not json\n" + step(2));
        RunFiles files = new RunFiles(dir);
        assertEquals(1, files.stepsAfter(-1).size());
        assertEquals("metrics.jsonl line 2 is not JSON: read up to it", files.header().get("warning").asText());
    }

    @Test
    void aFolderWithoutMetricsIsRefusedInOneLine(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunFiles(dir));
        assertTrue(e.getMessage().startsWith("no metrics.jsonl in " + dir), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new RunFiles(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("is not a folder"), missing.getMessage());
    }

    @Test
    void aFinishedRunAddsTheDispatchersFinalBooksFromItsSummary(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("metrics.jsonl"), step(1));
        Files.writeString(dir.resolve("summary.json"), "{\"task\":\"arithmetic\",\"mode\":\"async\",\"backend\":\"torch\","
                + "\"prompts_dispatched\":12,\"prompts_used\":8,\"lost_prompts\":0,\"settings\":{\"group_size\":4}}");
        RunFiles files = new RunFiles(dir);
        assertTrue(files.header().get("finished").asBoolean());
        assertEquals(4, files.header().get("run").get("group_size").asInt());
        assertEquals(12, files.dispatcher().get("dispatched").asLong());
        assertEquals(8, files.dispatcher().get("used").asLong());
        assertTrue(files.registry().isEmpty(), "no metrics registry behind a run's files");
    }

    /** The summary over both steps: the staleness of every trained completion, the last step. */
    static final class ObjectNodeCheck {
        static void full(RunSource source) {
            JsonNode full = RunJson.full(source);
            assertEquals(8 * 3, full.get("staleness_completions").get("0").asLong());
            assertEquals(1 + 2 + 4, full.get("staleness_completions").get("1").asLong());
            assertEquals(4, full.get("last_step").get("step").asLong());
        }
    }
}
