package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.actors.pipeline.PipelineFixture;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * aha pipeline as a user runs it, on a tiny GPT: recipes refused at start-up before anything runs; a three-stage
 * recipe end to end; a re-run that skips the finished stages and continues the interrupted one.
 */
class PipelineCommandTest {

    /** The recipe's head: the tiny GPT of the pipeline tests, 4 held-out prompts x 2 samples after each stage. */
    private static final String HEAD = "task = arithmetic\nconfig {\n" + PipelineFixture.TINY
            + "\n}\neval { prompts = 4, k = 2 }\n";

    private static final String THREE_STAGES = HEAD + """
            stages = [
              { name = cold-start, kind = sft, steps = 3 }
              { name = rl, kind = grpo, minutes = 0.06 }
              { name = rejection, kind = rejection-sampling, prompts = 4, k = 2, config.aha.reject.max-per-prompt = 1 }
            ]
            """;

    static Stream<Arguments> badRecipes() {
        String ok = "{ name = a, kind = sft, steps = 1 }\n";
        return Stream.of(
                Arguments.of(HEAD + "stages = [" + ok + "{ name = b, kind = grpoo, minutes = 1 } ]",
                        "stage 2 'b': unknown kind 'grpoo' (kinds: sft, grpo, sample, reject, rejection-sampling, "
                                + "distill, rm-train)"),
                Arguments.of(HEAD + "stages = [" + ok + "{ name = b, kind = grpo, minutes = 1, stepz = 3 } ]",
                        "stage 2 'b': unknown key 'stepz' (a grpo stage takes name, kind, config, from, minutes, "
                                + "reward-model-from, general-share, prompts, seed)"),
                Arguments.of(HEAD + "stagez = []\nstages = [" + ok + "]", "unknown top-level key 'stagez'"),
                Arguments.of(HEAD + "eval.promts = 3\nstages = [" + ok + "]", "eval: unknown key 'promts'"),
                Arguments.of(HEAD + "stages = [" + ok + "{ name = b, kind = grpo, minutes = 1, "
                        + "config.aha.grpo.betta = 0 } ]", "stage 2 'b': unknown configuration key aha.grpo.betta"),
                Arguments.of(HEAD + "stages = [" + ok + "{ name = b, kind = sft, from = c } ]",
                        "stage 2 'b': from = c names no earlier stage"),
                Arguments.of(HEAD + "stages = [" + ok + "{ name = b, kind = sft, data-from = a } ]",
                        "stage 2 'b': data-from = a names a sft stage, which writes no SFT data"),
                Arguments.of(HEAD + "stages = [" + ok + "{ name = b, kind = sample, k = 2 } ]",
                        "stage 2 'b': prompts = N is needed"),
                Arguments.of(HEAD.replace("task = arithmetic", "task = arithmetic-tool") + "stages = [" + ok
                        + "{ name = b, kind = rejection-sampling, prompts = 4, k = 2 } ]",
                        "stage 2 'b': task arithmetic-tool plays multi-turn episodes, which offline sampling does not "
                                + "run"));
    }

    @ParameterizedTest
    @MethodSource("badRecipes")
    void aBadRecipeFailsInOneLineNamingTheProblemAndRunsNothing(String text, String expected, @TempDir Path dir)
            throws Exception {
        Path recipe = Files.writeString(dir.resolve("bad.conf"), text);
        Path out = dir.resolve("out");
        CommandRun r = CommandRun.of("pipeline", "--recipe", recipe.toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "one line: " + r.err());
        assertTrue(lines.get(0).startsWith("aha pipeline: recipe " + recipe + ": "), lines.get(0));
        assertTrue(lines.get(0).contains(expected), lines.get(0));
        assertFalse(Files.exists(out), "nothing ran, nothing was written");
    }

    @Test
    @Tag("slow") // timed stages, run twice: in verify
    void aTinyRecipeRunsEndToEndAndAReRunSkipsTheFinishedStagesAndContinuesTheInterruptedOne(@TempDir Path dir)
            throws Exception {
        Path recipe = Files.writeString(dir.resolve("tiny.conf"), THREE_STAGES);
        Path out = dir.resolve("out");
        String[] args = {"pipeline", "--recipe", recipe.toString(), "--out", out.toString()};

        CommandRun first = CommandRun.of(args);
        assertEquals(0, first.code(), first.err());
        List<String> out1 = first.out().lines().toList(); // the table, after whatever the libraries logged
        List<String> table = out1.subList(out1.indexOf(out1.stream().filter(l -> l.startsWith("aha pipeline: "))
                .findFirst().orElseThrow()), out1.size());
        assertTrue(table.get(1).matches("\\s+#\\s+stage\\s+kind\\s+from\\s+pass@1\\s+greedy\\s+cons@2\\s+format\\s+"
                + "tokens\\s+time\\s+notes"), "the table's header: " + first.out());
        assertTrue(table.get(2).matches("\\s+1\\s+cold-start\\s+sft\\s+initial\\s+[0-9.]+ .*"), table.get(2));
        assertTrue(table.get(3).matches("\\s+2\\s+rl\\s+grpo\\s+cold-start\\s+[0-9.]+ .*"), table.get(3));
        assertTrue(table.get(4).matches("\\s+3\\s+rejection\\s+rejection-sampling\\s+rl\\s+[0-9.]+ .*checkpoint of rl"),
                table.get(4));
        JsonNode pipeline = MetricsLog.JSON.readTree(out.resolve("pipeline.json").toFile());
        assertEquals(3, pipeline.get("stages").size());
        for (JsonNode stage : pipeline.get("stages")) {
            assertEquals("ran", stage.get("status").asText());
            double pass1 = stage.get("figures").get("pass1").asDouble();
            assertTrue(pass1 >= 0 && pass1 <= 1, stage.toString());
            assertEquals(4, stage.get("figures").get("prompts").asInt());
            assertEquals(2, stage.get("figures").get("k").asInt());
            assertTrue(stage.get("figures").has("mean_completion_tokens"));
        }
        JsonNode rl = pipeline.get("stages").get(1);
        assertTrue(rl.get("checkpoint").asText().startsWith("02-rl/checkpoints/step-"), rl.toString());
        assertEquals(pipeline.get("stages").get(2).get("checkpoint"), rl.get("checkpoint"),
                "rejection sampling passes the checkpoint on");
        assertFalse(pipeline.get("stages").get(2).get("evaluated").asBoolean(), "the same checkpoint: not again");
        JsonNode rlSummary = MetricsLog.JSON.readTree(out.resolve("02-rl/summary.json").toFile());
        assertEquals(pipeline.get("stages").get(0).get("figures").get("pass1").asDouble(),
                rlSummary.get("initial_pass1").asDouble(), "RL starts from the cold start's figures, not measured twice");
        byte[] png = Files.readAllBytes(out.resolve("pipeline.png"));
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Files.isRegularFile(out.resolve("01-cold-start/checkpoints/latest")));
        assertTrue(Files.isRegularFile(out.resolve("02-rl/summary.json")));
        assertTrue(Files.isRegularFile(out.resolve("03-rejection/kept.jsonl")));
        List<String> samples = Files.readAllLines(out.resolve("03-rejection/samples.jsonl"));
        assertEquals(8, samples.size(), "4 prompts x 2");

        // rejection sampling killed after its first prompt, mid-way through the second's lines
        FileTime coldStart = mtime(out.resolve("01-cold-start/stage.json"));
        FileTime rlDone = mtime(out.resolve("02-rl/stage.json"));
        Path rlCheckpoint = CheckpointStore.resolve(out.resolve("02-rl"));
        Files.delete(out.resolve("03-rejection/stage.json"));
        Files.delete(out.resolve("03-rejection/kept.jsonl"));
        Files.writeString(out.resolve("03-rejection/samples.jsonl"), samples.get(0) + "\n" + samples.get(1) + "\n"
                + samples.get(2).substring(0, 30));
        CommandRun second = CommandRun.of(args);
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("[1/3] cold-start (sft from initial): finished before, skipped"),
                second.err());
        assertTrue(second.err().contains("[2/3] rl (grpo from cold-start): finished before, skipped"), second.err());
        assertTrue(second.err().contains("continuing " + out.resolve("03-rejection/samples.jsonl")), second.err());
        assertEquals(coldStart, mtime(out.resolve("01-cold-start/stage.json")), "not run again");
        assertEquals(rlDone, mtime(out.resolve("02-rl/stage.json")), "not run again");
        assertEquals(rlCheckpoint, CheckpointStore.resolve(out.resolve("02-rl")), "no new checkpoint");
        assertEquals(samples, Files.readAllLines(out.resolve("03-rejection/samples.jsonl")),
                "the sampling continued: what one uninterrupted run writes");
        JsonNode again = MetricsLog.JSON.readTree(out.resolve("pipeline.json").toFile());
        assertEquals(List.of("finished before", "finished before", "ran"), again.get("stages").findValuesAsText(
                "status"));
        assertTrue(second.out().contains("(finished before)"), second.out());

        // the RL stage killed after its last checkpoint: it continues from that checkpoint, and the stage after it,
        // which read its checkpoint, runs again
        Files.delete(out.resolve("02-rl/stage.json"));
        Files.delete(out.resolve("02-rl/summary.json"));
        CommandRun third = CommandRun.of(args);
        assertEquals(0, third.code(), third.err());
        assertTrue(third.err().contains("[1/3] cold-start (sft from initial): finished before, skipped"),
                third.err());
        assertTrue(third.err().contains("rl: continuing the interrupted run from "
                + out.relativize(rlCheckpoint)), third.err());
        assertTrue(third.err().contains("[3/3] rejection (rejection-sampling from rl): a stage it reads from was "
                + "made again"), third.err());
        assertEquals(coldStart, mtime(out.resolve("01-cold-start/stage.json")));
        assertNotEquals(rlCheckpoint, CheckpointStore.resolve(out.resolve("02-rl")), "the resumed run's own");
        JsonNode resumed = MetricsLog.JSON.readTree(out.resolve("02-rl/summary.json").toFile());
        assertTrue(resumed.get("steps").asLong() >= MetricsLog.JSON.readTree(rlCheckpoint.resolve("state.json")
                .toFile()).path("run").path("step").asLong(), "the steps continue: " + resumed);

        // a finished stage whose settings changed is refused before anything runs
        Files.writeString(recipe, THREE_STAGES.replace("steps = 3", "steps = 4"));
        CommandRun changed = CommandRun.of(args);
        assertEquals(1, changed.code(), changed.err());
        assertTrue(changed.err().contains(out.resolve("01-cold-start") + " finished with other settings than the "
                + "recipe now gives"), changed.err());
        assertEquals(coldStart, mtime(out.resolve("01-cold-start/stage.json")));

        // so is one made without the --set the command line now gives: --set is part of every stage's settings
        Files.writeString(recipe, THREE_STAGES);
        String[] withSet = java.util.Arrays.copyOf(args, args.length + 2);
        withSet[args.length] = "--set";
        withSet[args.length + 1] = "aha.grpo.beta=0.02";
        CommandRun overridden = CommandRun.of(withSet);
        assertEquals(1, overridden.code(), overridden.err());
        assertTrue(overridden.err().contains(out.resolve("01-cold-start") + " finished with other settings than the "
                + "recipe now gives"), overridden.err());
        assertEquals(coldStart, mtime(out.resolve("01-cold-start/stage.json")));
    }

    @Test
    void anSftStageWithMinutesTrainsAsManyStepsAsFitThenStopsAndStepsReachedFirstStopItSooner(@TempDir Path dir)
            throws Exception {
        Path recipe = Files.writeString(dir.resolve("timed.conf"), HEAD + """
                stages = [
                  { name = timed, kind = sft, minutes = 0.05 }
                  { name = capped, kind = sft, steps = 2, minutes = 5 }
                ]
                """);
        Path out = dir.resolve("out");
        CommandRun r = CommandRun.of("pipeline", "--recipe", recipe.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode stages = MetricsLog.JSON.readTree(out.resolve("pipeline.json").toFile()).get("stages");
        JsonNode timed = stages.get(0).get("outputs");
        assertTrue(timed.get("steps").asInt() > 3, "a tiny GPT takes many steps in 3 s: " + timed);
        assertTrue(timed.get("seconds").asDouble() >= 3, "it trains until the time is up: " + timed);
        assertTrue(timed.get("seconds").asDouble() < 3 + 20, "then stops: " + timed);
        JsonNode state = MetricsLog.JSON.readTree(CheckpointStore.resolve(out.resolve("01-timed/checkpoints"))
                .resolve("state.json").toFile());
        assertEquals(timed.get("steps").asInt(), state.path("run").path("sft_steps").asInt(), state.toString());
        assertEquals(3.0, state.path("run").path("time_limit_seconds").asDouble(), 1e-9, state.toString());
        assertEquals(2, stages.get(1).get("outputs").get("steps").asInt(), "2 steps come long before 5 minutes");
        assertTrue(r.err().contains("[1/2] timed (sft from initial): SFT steps (at most 0.05 minutes) on the task's "
                + "worked solutions"), r.err());
    }

    private static FileTime mtime(Path file) throws Exception {
        return Files.getLastModifiedTime(file);
    }
}
