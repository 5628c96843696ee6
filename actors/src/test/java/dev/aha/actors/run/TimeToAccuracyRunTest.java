package dev.aha.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.PipelineFixture;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real run evaluated every few steps: the pass@1 curve on the run's clock, time to accuracy, their cost, a chart. */
class TimeToAccuracyRunTest {

    @TempDir
    Path out;

    @Test
    void summaryHasThePassAtOneCurveOverTimeAcrossAResumeAndTheSecondsToEachThreshold() throws Exception {
        // Segments end at max-steps (counted across resumes); their deadlines are only backstops.
        String evals3 = "aha.train { eval-every = 3, eval-every-k = 2, eval-every-prompts = 3 }\n";
        RunConfig config = PipelineFixture.config(evals3 + "aha.train.max-steps = 10");
        ObjectNode first = new TrainingSession(config,
                new TrainingSession.Options(out, 2, null, null, null, null)).run();
        double coldStart = first.get("cold_start_seconds").asDouble();
        assertTrue(coldStart > 0, "the cold start took time");

        JsonNode evals = first.get("evals");
        assertTrue(evals.size() >= 2, "periodic evaluations and the final one: " + evals);
        for (int i = 0; i < evals.size() - 1; i++) {
            assertEquals(0, evals.get(i).get("step").asLong() % 3, "every eval-every steps");
            assertEquals(2, evals.get(i).get("k").asInt(), "periodic evaluations take eval-every-k samples");
            assertEquals(3, evals.get(i).get("prompts").asInt(), "of the first eval-every-prompts prompts");
            assertFalse(evals.get(i).has("greedy_accuracy"), "and no greedy decode");
            assertTrue(evals.get(i).get("run_seconds").asDouble() > coldStart, "after the cold start");
        }
        JsonNode last = evals.get(evals.size() - 1);
        assertEquals(1, last.get("k").asInt(), "the final one takes eval-k");
        assertEquals(4, last.get("prompts").asInt(), "all eval-prompts");
        assertTrue(last.has("greedy_accuracy"));
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = MetricsLog.JSON.readTree(line);
            if (n.has("eval") && n.get("step").asLong() > 0 && n.get("eval").get("prompts").asInt() == 3) {
                assertFalse(n.get("eval").has("greedy_accuracy"), "not measured, so not written: " + line);
            }
        }
        assertTrue(first.get("periodic_eval_seconds").asDouble() > 0);
        double fraction = first.get("periodic_eval_fraction").asDouble();
        assertTrue(fraction > 0 && fraction < 1, "their share of the RL time: " + fraction);

        ObjectNode second = new TrainingSession(PipelineFixture.config(evals3 + "aha.train.max-steps = 16"),
                new TrainingSession.Options(out, 2, out, null, null, null)).run();
        JsonNode curve = second.get("pass1_curve");
        assertEquals(0, curve.get(0).get("step").asLong(), "the curve starts at the cold start");
        assertTrue(curve.get(0).get("run_seconds").asDouble() <= coldStart);
        assertTrue(curve.size() >= first.get("evals").size() + 1 + second.get("evals").size(),
                "both segments' evaluations: " + curve);
        List<Double> seconds = new ArrayList<>();
        curve.forEach(p -> seconds.add(p.get("run_seconds").asDouble()));
        for (int i = 1; i < seconds.size(); i++) {
            assertTrue(seconds.get(i) >= seconds.get(i - 1), "the run's clock goes on across the resume: " + seconds);
        }
        assertEquals(coldStart, second.get("cold_start_seconds").asDouble(), 1e-9, "carried by the checkpoint");

        JsonNode reached = second.get("seconds_to_pass1");
        assertEquals(List.of("0.5", "0.6", "0.7", "0.8", "0.9"), names(reached));
        for (String threshold : names(reached)) {
            double t = Double.parseDouble(threshold);
            JsonNode first0 = null;
            for (JsonNode p : curve) {
                if (p.get("pass1").asDouble() >= t) {
                    first0 = p;
                    break;
                }
            }
            if (first0 == null) {
                assertTrue(reached.get(threshold).isNull(), threshold + " was not reached");
            } else {
                assertEquals(first0.get("run_seconds").asDouble(), reached.get(threshold).asDouble(), 1e-9);
            }
        }
        assertTrue(Files.isRegularFile(out.resolve("charts").resolve("pass1_vs_time.png")));
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
