package dev.aha.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code aha bench throughput} on the torch backend reports the pipeline's sampling rate against sampling alone. */
@Tag("slow") // a 7-second benchmark run: in verify
class ThroughputBenchTest {

    @Test
    void shouldSetThePipelinesSamplingRateAgainstTheSameSamplingAlone(@TempDir Path dir) throws Exception {
        // A small GPT and short completions, so a few seconds hold several learner steps on a busy machine.
        Path config = dir.resolve("small.conf");
        Files.writeString(config, "aha.policy { model-dim = 32, layers = 1, heads = 2 }\n"
                + "aha.sampling.max-new-tokens = 12\n"
                + "aha.train { group-size = 4, batch-groups = 2 }\n");
        CommandLine cli = new CommandLine(new ThroughputBench());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        int rc = cli.execute("--config", config.toString(), "--seconds", "4", "--warmup", "1",
                "--alone-seconds", "1.5", "--out", dir.resolve("run").toString());
        assertEquals(0, rc, "stdout: " + out);

        JsonNode json = new ObjectMapper().readTree(out.toString());
        BlasBenchTest.assertBlasSection(json.path("blas"));
        assertTrue(json.path("sampled_tokens_per_second").asDouble() > 0, "what reached the learner: " + json);
        assertTrue(json.path("used_tokens_per_second").asDouble() > 0, "what it trained on: " + json);
        JsonNode rate = json.path("rollout_sampling_tokens_per_second");
        double inside = rate.path("in_pipeline").asDouble();
        double alone = rate.path("alone").asDouble();
        assertTrue(inside > 0 && alone > 0, json.toString());
        assertEquals(inside / alone, json.path("pipeline_efficiency").asDouble(), 0.01 * inside / alone + 1e-3,
                "efficiency = in pipeline / alone: " + json);
        double beside = rate.path("alone_beside_a_learner").asDouble();
        JsonNode parts = json.path("pipeline_efficiency_parts");
        assertTrue(beside > 0 && parts.path("learner_load_steps_per_second").asDouble() > 0, json.toString());
        assertEquals(beside / alone, parts.path("learner_contention").asDouble(), 0.01 * beside / alone + 1e-3,
                json.toString());
        assertEquals(inside / beside, parts.path("actors_and_weight_swaps").asDouble(), 0.01 * inside / beside + 1e-3,
                json.toString());
    }
}
