package dev.aha.app.cli;

import dev.aha.actors.config.RunConfig;
import dev.aha.app.recipe.SftData;
import dev.aha.app.recipe.SftRun;
import dev.aha.actors.run.TaskFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aha sft}: supervised fine-tuning, the cold start of R1. */
@Command(name = "sft", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Supervised fine-tuning: R1's cold start.",
            "Trains on JSON Lines of {prompt, completion} or of conversations in TRL's format ({messages, tools}: "
                    + "the assistant's turns are trained, tool results and other turns are context) (--data), or on "
                    + "the task's generated worked solutions (with a <think> trace). Writes a checkpoint folder that "
                    + "aha train --init and aha eval --checkpoint take."})
public final class SftCommand implements Callable<Integer> {

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--data", paramLabel = "FILE",
            description = "JSON Lines with prompt and completion (raw text), or with messages (and tools).")
    Path data;

    @Option(names = "--steps", description = "Optimiser steps (default: aha.train.cold-start.steps).")
    Integer steps;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/sft", description = "Checkpoint folder.")
    Path out;

    @Mixin
    TrainingSeed seed = new TrainingSeed();

    @Override
    public Integer call() {
        RunConfig config = run.load(seed.over(Map.of()));
        int n = steps != null ? steps : config.train().coldStartSteps();
        SftData examples = data != null ? SftData.file(data, config.train().seed(), config.template())
                : SftData.workedSolutions(TaskFactory.create(config.train().task(), config, run.trainFile,
                        run.evalFile), config);
        SftRun.Result r = SftRun.run(config, null, examples, n, out, "sft");
        System.err.printf("aha sft: %d steps, final loss %.4f; checkpoint %s%n", n, r.loss(), r.checkpoint());
        return 0;
    }
}
