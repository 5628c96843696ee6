package dev.aha.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.app.recipe.Configs;
import dev.aha.app.recipe.Recipe;
import dev.aha.app.recipe.Stage;
import dev.aha.app.recipe.StageKind;
import dev.aha.app.recipe.StagedPipeline;
import dev.aha.app.cli.Aha;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The experiment {@code aha bench distill-vs-rl} runs (the whole run takes about 40 minutes: README has its figures):
 * its recipe passes the pipeline's start-up checks, the student is at least 4x smaller than the teacher, and both
 * students start from one checkpoint with the same budget.
 */
class DistillVsRlBenchTest {

    @Test
    void theRecipeIsValidAndComparesTwoStudentsFromOneBaseWithOneBudget(@TempDir Path dir) throws Exception {
        DistillVsRlBench bench = new DistillVsRlBench();
        bench.budgetMinutes = 2.5;
        bench.teacherMinutes = 4;
        bench.teacherPrompts = 300;
        bench.studentBaseSteps = 200;
        bench.seed = 3;
        Path file = Files.writeString(dir.resolve("r.conf"), bench.recipe());
        Recipe recipe = Recipe.load(file);
        new StagedPipeline(recipe, dir.resolve("out"), new PrintStream(new ByteArrayOutputStream()));

        List<Stage> s = recipe.stages();
        assertEquals(List.of("teacher-cold-start", "teacher-rl", "teacher-samples", "student-base", "student-rl",
                "student-distilled", "student-sft-worked"), s.stream().map(Stage::name).toList());
        assertEquals(4.0, s.get(1).minutes());
        assertEquals(300, s.get(2).prompts());
        assertEquals(200, s.get(3).steps());
        assertEquals(Recipe.INITIAL, s.get(3).from());
        Stage rl = s.get(4);
        Stage distilled = s.get(5);
        assertEquals(StageKind.GRPO, rl.kind());
        assertEquals(StageKind.SFT, distilled.kind());
        assertEquals("student-base", rl.from());
        assertEquals("student-base", distilled.from());
        assertEquals("teacher-samples", distilled.dataFrom());
        assertEquals(2.5, rl.minutes());
        assertEquals(rl.minutes(), distilled.minutes(), "one budget");
        assertEquals(null, distilled.steps(), "as many SFT steps as the budget allows");
        Stage control = s.get(6);
        assertEquals("student-base", control.from());
        assertEquals(null, control.dataFrom(), "the task's worked solutions");
        assertEquals(rl.minutes(), control.minutes(), "one budget");

        long teacher = Configs.load(recipe.shared(), Map.of()).policy().layout().totalElements();
        long student = Configs.load(s.get(3).config().withFallback(recipe.shared()), Map.of()).policy().layout()
                .totalElements();
        assertTrue(teacher >= DistillVsRlBench.MIN_SIZE_RATIO * student, teacher + " vs " + student);
        assertEquals(3, recipe.shared().getInt("aha.train.seed"));
        assertEquals(4, recipe.shared().getInt("aha.task.arithmetic.min-terms"),
                "longer chains than the default 2-3 terms");
    }

    @Test
    void aBudgetOfNoTimeIsRefusedInOneLineBeforeAnythingIsWritten(@TempDir Path dir) {
        CommandLine cli = Aha.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        Path out = dir.resolve("out");
        int rc = cli.execute("bench", "distill-vs-rl", "--budget-minutes", "0", "--out", out.toString());
        assertEquals(1, rc, err.toString());
        assertTrue(err.toString().contains("--budget-minutes and --teacher-minutes must be positive"), err.toString());
        assertTrue(!Files.exists(out), "nothing written");
    }
}
