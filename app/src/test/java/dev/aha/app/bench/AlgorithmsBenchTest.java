package dev.aha.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.app.cli.Aha;
import dev.aha.app.recipe.Recipe;
import dev.aha.app.recipe.Stage;
import dev.aha.app.recipe.StageKind;
import dev.aha.app.recipe.StagedPipeline;
import dev.aha.runtime.metrics.EvalPoint;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The experiment {@code aha bench algorithms} runs (minutes long: its smoke is {@code --minutes 0.2}, by hand): its
 * recipe passes the pipeline's checks with every run from the one cold start for the same minutes, and the report reads
 * a curve against seconds of RL.
 */
class AlgorithmsBenchTest {

    @Test
    void everyAlgorithmAndPaceRunForTheSameMinutesFromOneColdStart(@TempDir Path dir) throws Exception {
        AlgorithmsBench bench = new AlgorithmsBench();
        bench.minutes = 3;
        bench.algorithms = List.of("grpo", "gspo", "rloo", "reinforce-pp");
        bench.pace = true;
        bench.coldStartSteps = 1000;
        bench.evalEvery = 50;
        bench.evalPrompts = 200;
        bench.seed = 2;
        Path labels = Files.writeString(dir.resolve("hard.jsonl"), "");
        Recipe recipe = Recipe.load(Files.writeString(dir.resolve("r.conf"), bench.recipe(bench.runs(labels))));
        new StagedPipeline(recipe, dir.resolve("out"), new PrintStream(new ByteArrayOutputStream()));

        List<Stage> s = recipe.stages();
        assertEquals(List.of("cold-start", "grpo", "gspo", "rloo", "reinforce-pp", "grpo-pace"),
                s.stream().map(Stage::name).toList());
        assertEquals(1000, s.get(0).steps());
        for (Stage run : s.subList(1, s.size())) {
            assertEquals(StageKind.GRPO, run.kind());
            assertEquals("cold-start", run.from());
            assertEquals(3.0, run.minutes(), "one budget");
            assertEquals(labels.toString(), run.config().getString("aha.train.hard-prompts"));
        }
        assertEquals("reinforce-pp", s.get(4).config().getString("aha.grpo.algorithm"));
        assertEquals("pace", s.get(5).config().getString("aha.train.staleness"));
        assertEquals("drop", s.get(1).config().getString("aha.train.staleness"));
        assertEquals(2, recipe.shared().getInt("aha.train.seed"));
    }

    @Test
    void theCurveCountsSecondsOfRlAndAThresholdNeverReachedSaysSo() throws Exception {
        JsonNode summary = MetricsLog.JSON.readTree("{\"cold_start_seconds\": 100, \"pass1_curve\": ["
                + "{\"step\": 0, \"run_seconds\": 100, \"pass1\": 0.6}, {\"step\": 50, \"run_seconds\": 160, "
                + "\"pass1\": 0.75}]}");
        assertEquals(List.of(new EvalPoint(0, 0, 0.6), new EvalPoint(50, 60, 0.75)), AlgorithmsReport.rlCurve(summary));
        assertEquals("not reached", AlgorithmsReport.NOT_REACHED);
    }

    @Test
    void anUnknownAlgorithmOrNoTimeIsRefusedInOneLineBeforeAnythingIsWritten(@TempDir Path dir) {
        Path out = dir.resolve("out");
        String err = refused("bench", "algorithms", "--algorithms", "grpo,ppo", "--out", out.toString());
        assertTrue(err.contains("aha.grpo.algorithm must be grpo, gspo, rloo or reinforce-pp, was 'ppo'"), err);
        assertTrue(refused("bench", "algorithms", "--minutes", "0", "--out", out.toString())
                .contains("--minutes must be positive"));
        assertFalse(Files.exists(out), "nothing written");
    }

    private static String refused(String... args) {
        CommandLine cli = Aha.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(1, cli.execute(args), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        return err.toString();
    }
}
