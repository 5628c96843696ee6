package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.actors.run.TrainingFailed;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.StepMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {

    @Test
    void aSimulatedRunEndsWithItsFiguresNotAnError(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sim");
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Aha.commandLine().execute("train", "--backend", "simulated", "--minutes", "0.05", "--out",
                    out.toString());
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, log);
        assertTrue(log.contains("nothing evaluated (simulated backend)"), log);
        assertFalse(log.contains("NullPointerException"), log);
        assertTrue(Files.exists(out.resolve("summary.json")));
        JsonNode summary = MetricsLog.JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(0, summary.get("groups_dropped_uniform").asLong(), "dynamic sampling is off by default");
        assertFalse(summary.get("settings").get("drop_uniform_groups").asBoolean());
        double sampled = summary.get("sampled_tokens_per_second").asDouble();
        double used = summary.get("used_tokens_per_second").asDouble();
        assertTrue(sampled > 0 && used <= sampled, "every used token was sampled first: " + summary);
        assertEquals(0, summary.get("optimizer_skipped_steps").asLong());
        assertFalse(summary.has("mean_generated_tokens_per_second"), "renamed: sampled or used");
    }

    /**
     * Simulated completions are random text: every group scores 0 throughout, so with dynamic sampling every one is
     * dropped and no step comes. The run still ends at its deadline with its figures, and says what happened.
     */
    @Test
    @Tag("slow") // runs to its 7 s deadline: in verify
    void aRunWhoseEveryGroupIsUniformEndsWithTheDropsCountedNotAStall(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sim");
        Path config = dir.resolve("dapo.conf");
        Files.writeString(config, "aha.grpo.drop-uniform-groups = on\naha.train.batch-groups = 2\n"
                + "aha.simulation.median-length = 20\n"); // groups in tens of milliseconds: many in the seconds of RL
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("train", "--backend", "simulated", "--minutes", "0.12", "--config",
                config.toString(), "--out", out.toString()), err.toString());
        JsonNode summary = MetricsLog.JSON.readTree(out.resolve("summary.json").toFile());
        long dropped = summary.get("groups_dropped_uniform").asLong();
        assertTrue(dropped >= 2, "no group was dropped: " + summary);
        assertTrue(summary.get("settings").get("drop_uniform_groups").asBoolean());
        long lines = Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"uniform_drops\"")).count();
        assertTrue(lines >= 1, "no uniform_drops line in metrics.jsonl");
        assertEquals(summary.get("steps").asLong(), MetricsLog.readSteps(out.resolve("metrics.jsonl")).size());
    }

    /**
     * Simulated completions cut at the length cap (here half of them: median length = cap) are what overlong
     * filtering masks out of the loss, step by step; with the filter off none is.
     */
    @Test
    void overlongFilteringMasksTheCompletionsTheRolloutsCutAtTheCap(@TempDir Path dir) throws Exception {
        for (boolean filter : new boolean[] {true, false}) {
            Path out = dir.resolve("sim-" + filter);
            Path config = dir.resolve("overlong-" + filter + ".conf");
            Files.writeString(config, "aha.grpo.overlong.filter = " + filter + "\naha.train.batch-groups = 2\n"
                    + "aha.simulation { median-length = 8, max-length = 8 }\naha.train.max-steps = 12\n");
            StringWriter err = new StringWriter();
            CommandLine cli = Aha.commandLine();
            cli.setOut(new PrintWriter(new StringWriter()));
            cli.setErr(new PrintWriter(err, true));
            assertEquals(0, cli.execute("train", "--backend", "simulated", "--minutes", "1", "--config",
                    config.toString(), "--out", out.toString()), err.toString());
            List<StepMetrics> steps = MetricsLog.readSteps(out.resolve("metrics.jsonl"));
            assertTrue(steps.size() >= 3, "too few steps: " + steps.size());
            long masked = steps.stream().mapToLong(StepMetrics::overlongMasked).sum();
            long completions = steps.size() * 2L * 8;
            if (filter) {
                assertTrue(masked > 0 && masked < completions, masked + " of " + completions + " masked");
            } else {
                assertEquals(0, masked);
            }
        }
    }

    /** summary.json's settings say how the run read answers (aha.reward.extract), for its rewards and evaluations. */
    @Test
    void theSummaryRecordsTheExtractionMode(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("flexible.conf"), "aha.reward.extract = flexible\n");
        ObjectMapper json = new ObjectMapper();
        for (String mode : new String[] {"strict", "flexible"}) {
            Path out = dir.resolve(mode);
            CommandLine cli = Aha.commandLine();
            cli.setOut(new PrintWriter(new StringWriter()));
            String[] args = mode.equals("strict")
                    ? new String[] {"train", "--backend", "simulated", "--minutes", "0.02", "--out", out.toString()}
                    : new String[] {"train", "--backend", "simulated", "--minutes", "0.02", "--out", out.toString(),
                        "--config", conf.toString()};
            assertEquals(0, cli.execute(args));
            JsonNode summary = json.readTree(out.resolve("summary.json").toFile());
            assertEquals(mode, summary.path("settings").path("extract").asText(), summary.toString());
        }
    }

    /** A new run into a folder that holds one is refused before anything is written: the first run is intact. */
    @Test
    void aNewRunIntoAFolderThatHoldsARunIsRefused(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sim");
        String[] args = {"train", "--backend", "simulated", "--minutes", "0.02", "--out", out.toString()};
        StringWriter err = new StringWriter();
        CommandLine first = Aha.commandLine();
        first.setOut(new PrintWriter(new StringWriter()));
        assertEquals(0, first.execute(args));
        String summary = Files.readString(out.resolve("summary.json"));
        long metrics = Files.size(out.resolve("metrics.jsonl"));

        CommandLine second = Aha.commandLine();
        second.setErr(new PrintWriter(err, true));
        assertEquals(1, second.execute(args), "bad input: exit 1");
        assertTrue(err.toString().contains("holds a run already: --resume " + out), err.toString());
        assertEquals(summary, Files.readString(out.resolve("summary.json")));
        assertEquals(metrics, Files.size(out.resolve("metrics.jsonl")));
    }

    @CommandLine.Command(name = "doomed")
    static final class Doomed implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new TrainingFailed("learner", new IllegalStateException("publication of v2 refused"));
        }
    }

    /** A run that ends with TrainingFailed (its learner threw) exits 2 with one line naming the cause. */
    @Test
    void aFailedRunExitsTwoWithTheCauseInOneLine() {
        CommandLine cli = Aha.commandLine();
        cli.addSubcommand("doomed", new CommandLine(new Doomed()));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("doomed"));
        assertEquals("aha doomed: training failed: the learner failed: IllegalStateException: publication of v2 "
                + "refused", err.toString().strip());
    }

    @Test
    void aRunWhoseStepsWereAllSkippedFails() {
        TrainingFailed e = assertThrows(TrainingFailed.class, () -> TrainingFailed.requireFiniteSteps(12, 12));
        assertTrue(e.getMessage().startsWith("all 12 learner steps had a non-finite loss or gradient"), e.getMessage());
        TrainingFailed.requireFiniteSteps(12, 11); // one step that moved the policy is a run that learned something
        TrainingFailed.requireFiniteSteps(0, 0); // no step at all: a deadline too short, said by the summary
    }

    /**
     * R1-Zero: with --no-cold-start the run's starting policy is the initial one, bit for bit; without it the same
     * configuration fine-tunes first. --init or --resume alongside is refused.
     */
    @Test
    void noColdStartTrainsFromTheInitialPolicy(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.conf");
        Files.writeString(config, dev.aha.actors.pipeline.PipelineFixture.TINY);
        java.nio.ByteBuffer initial; // a tiny model: one segment
        dev.aha.actors.config.RunConfig run = dev.aha.actors.pipeline.PipelineFixture.config("");
        dev.aha.runtime.engine.ComputeThreads.prepare(1);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                dev.aha.runtime.policy.Policy p = run.policy().create(m)) {
            initial = p.exportWeights().segment(0);
        }
        for (boolean zero : new boolean[] {true, false}) {
            Path out = dir.resolve(zero ? "zero" : "cold");
            StringWriter err = new StringWriter();
            CommandLine cli = Aha.commandLine();
            cli.setOut(new PrintWriter(new StringWriter()));
            cli.setErr(new PrintWriter(err, true));
            List<String> args = new java.util.ArrayList<>(List.of("train", "--minutes", "0.02", "--config",
                    config.toString(), "--out", out.toString()));
            if (zero) {
                args.add("--no-cold-start");
            }
            assertEquals(0, cli.execute(args.toArray(String[]::new)), err.toString());
            JsonNode summary = MetricsLog.JSON.readTree(out.resolve("summary.json").toFile());
            assertEquals(zero ? 0 : 3, summary.get("settings").get("cold_start_steps").asInt());
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                    dev.aha.runtime.policy.Policy p = run.policy().create(m)) {
                dev.aha.runtime.checkpoint.CheckpointStore.load(
                        dev.aha.runtime.checkpoint.CheckpointStore.resolve(out.resolve("cold-start")), p, null);
                assertEquals(zero, initial.equals(p.exportWeights().segment(0)),
                        zero ? "the R1-Zero start is not the initial policy" : "the cold start did not train");
            }
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute("train", "--no-cold-start", "--init", dir.resolve("cold").toString(),
                "--out", dir.resolve("refused").toString()));
        assertTrue(err.toString().contains("--no-cold-start starts from the initial policy: it cannot go with --init"),
                err.toString());
        assertFalse(Files.exists(dir.resolve("refused")));
        StringWriter resumeErr = new StringWriter();
        CommandLine resumed = Aha.commandLine();
        resumed.setErr(new PrintWriter(resumeErr, true));
        assertEquals(1, resumed.execute("train", "--no-cold-start", "--resume", dir.resolve("cold").toString()));
        assertTrue(resumeErr.toString().contains("it cannot go with --resume"), resumeErr.toString());
    }
}
