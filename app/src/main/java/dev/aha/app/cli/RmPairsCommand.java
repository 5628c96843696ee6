package dev.aha.app.cli;

import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.rm.PairFiles;
import dev.aha.runtime.task.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha rm pairs}: preference pairs from a task with worked solutions, in TRL's format. Chosen: the worked
 * solution; rejected: the same with one step's result or the answer wrong ({@link WrongStep}). Or, with
 * {@code --task general}, synthetic general requests and a better and a worse reply ({@link GeneralRequests}). The
 * prompt is the question as the run's prompt template renders it, so the reward model reads what the policy writes
 * after.
 */
@Command(name = "pairs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write preference pairs from a task's worked solutions.",
            "Each line: prompt, chosen, rejected (TRL's format).",
            "Rejected = the chosen solution with one step's result or the answer changed; --task general: "
                    + "synthetic requests with a better and a worse reply."})
public final class RmPairsCommand implements Callable<Integer> {

    static final String GENERAL = "general";

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--count", defaultValue = "2000", paramLabel = "N", description = "Pairs (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Draws the problems and the mistakes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSON Lines to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be positive, was " + count);
        }
        if (GENERAL.equals(run.task)) {
            return general();
        }
        RunConfig config = run.load(Map.of());
        Task task = TaskFactory.create(config.train().task(), config, run.trainFile, run.evalFile);
        PairFiles.fromTask(out, task.trainStream(seed), task.name(), config.template()::render, count, seed);
        System.err.printf("aha rm pairs: %,d pairs from the %s task -> %s%n", count, task.name(), out);
        return 0;
    }

    /** Synthetic general requests. */
    private int general() throws IOException {
        RunConfig config = run.model.load(Map.of()); // the prompt template; no task to build
        PairFiles.general(out, config.template()::render, count, seed);
        System.err.printf("aha rm pairs: %,d pairs of general requests -> %s%n", count, out);
        return 0;
    }
}
