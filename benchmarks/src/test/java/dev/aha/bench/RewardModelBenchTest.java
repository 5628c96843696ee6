package dev.aha.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code aha bench rm} on a tiny shape: its figures are consistent with what it timed. */
class RewardModelBenchTest {

    @Test
    void printsSequencesPerSecondOverTheTimedBatches() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RewardModelBench());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("--shape", "tiny-qwen3", "--batch", "2", "--tokens", "16", "--batches", "2",
                "--threads", "1"), err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertEquals("tiny-qwen3", j.path("shape").asText());
        assertEquals(2, j.path("batch_seconds").size());
        double seconds = j.path("seconds").asDouble();
        assertTrue(seconds > 0, j.toString());
        // seconds is printed to the millisecond: 4 sequences over the timed batches, within that rounding
        assertEquals(seconds, 4 / j.path("sequences_per_second").asDouble(), 0.0005 + 0.05 * seconds, j.toString());
        assertEquals(16 * j.path("sequences_per_second").asDouble(), j.path("tokens_per_second").asDouble(),
                0.05 * j.path("tokens_per_second").asDouble() + 0.1, j.toString());
        BlasBenchTest.assertBlasSection(j.path("blas"));
    }
}
