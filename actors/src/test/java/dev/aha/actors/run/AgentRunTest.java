package dev.aha.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.PipelineFixture;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * aha train on task arithmetic-tool: the rollouts sample multi-turn episodes through the whole pipeline, and their
 * figures reach metrics.jsonl and summary.json.
 */
class AgentRunTest {

    @TempDir
    Path out;

    @Test
    void episodesRunThroughThePipelineAndTheirFiguresAreWritten() throws Exception {
        RunConfig config = PipelineFixture.config(String.join("\n",
                "aha.train { task = arithmetic-tool, max-steps = 3, eval-every = 0, rollouts = 1 }",
                "aha.agent { max-turns = 3, max-tokens = 60 }",
                "aha.task.arithmetic-tool { max-digits = 2, max-terms = 2 }"));
        ObjectNode summary = new TrainingSession(config,
                new TrainingSession.Options(out, 5, null, null, null, null)).run();
        assertEquals(3, summary.get("steps").asLong());
        JsonNode episodes = summary.get("episodes");
        assertTrue(episodes != null && episodes.get("trained_episodes").asLong() >= 3 * 2 * 4, "" + summary);
        assertTrue(episodes.get("turns_per_episode").asDouble() >= 1.0, "" + episodes);
        assertTrue(summary.get("final_tool_calls_per_sample").isNumber(), "" + summary);
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        long steps = 0;
        for (String line : lines) {
            JsonNode step = MetricsLog.JSON.readTree(line);
            if (step.has("loss")) { // a learner step, not an evaluation
                assertTrue(step.get("episodes").get("turns_per_episode").asDouble() >= 1.0, line);
                steps++;
            }
        }
        assertEquals(3, steps);
    }
}
