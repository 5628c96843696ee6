package dev.aha.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.PipelineFixture;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.policy.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aha train --resume}: counters carry on, and training continues from exactly the saved weights. */
class ResumeTest {

    @TempDir
    Path out;

    @Test
    void shouldContinueStepsVersionsAndWeightsFromTheLastCheckpoint() throws Exception {
        // Segments end at max-steps (counted across resumes); their deadlines are only backstops.
        RunConfig config = PipelineFixture.config("aha.train.max-steps = 20");
        RunConfig longer = PipelineFixture.config("aha.train.max-steps = 40");
        ObjectNode first = new TrainingSession(config,
                new TrainingSession.Options(out, 2, null, null, null, null)).run();
        long steps = first.get("steps").asLong();
        assertTrue(steps >= 2, "first segment took " + steps + " steps");
        CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), 3);
        Path saved = store.latest().orElseThrow();
        FlatWeights savedWeights = weights(config, saved);
        JsonNode savedState = MetricsLog.JSON.readTree(Files.readString(saved.resolve("state.json")));
        assertEquals(steps, savedState.get("run").get("step").asLong());

        // A segment too short for any step ends on exactly the weights it resumed from, counters unchanged.
        ObjectNode idle = new TrainingSession(longer,
                new TrainingSession.Options(out, 1e-4, out, null, null, null)).run();
        assertEquals(steps, idle.get("steps").asLong());
        assertTrue(savedWeights.contentEquals(weights(config, store.latest().orElseThrow())), "resumed weights differ");

        // A real segment continues the counters where the first left off.
        ObjectNode second = new TrainingSession(longer,
                new TrainingSession.Options(out, 2, out, null, null, null)).run();
        assertTrue(second.get("steps").asLong() > steps, "no steps after resume");
        assertEquals(second.get("steps").asLong(), second.get("version").asLong());
        assertTrue(second.get("prompts_dispatched").asLong() > first.get("prompts_dispatched").asLong());
        List<Long> stepLines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = MetricsLog.JSON.readTree(line);
            if (!n.has("eval")) {
                stepLines.add(n.get("step").asLong());
            }
        }
        for (int i = 0; i < stepLines.size(); i++) {
            assertEquals(i + 1, stepLines.get(i), "metrics.jsonl must count steps 1, 2, 3... across segments");
        }
        assertTrue(Files.isRegularFile(out.resolve("charts").resolve("training.png")));
        assertTrue(Files.isRegularFile(out.resolve("summary.json")));
    }

    private static FlatWeights weights(RunConfig config, Path checkpoint) {
        try (NDManager m = NDManager.newBaseManager(); Policy p = config.policy().create(m)) {
            CheckpointStore.load(checkpoint, p, null);
            return p.exportWeights();
        }
    }
}
