package dev.aha.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.rm.GeneralRequests;
import dev.aha.runtime.rm.WrongStep;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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

    private static final ObjectMapper JSON = new ObjectMapper();
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
        PromptStream problems = task.trainStream(seed);
        Random rng = new Random(seed * 31 + 7);
        Set<String> seen = new HashSet<>();
        int written = 0;
        int draws = 0;
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            while (written < count) {
                if (++draws > 20 * count) {
                    throw new IllegalArgumentException("the " + task.name() + " task gave only " + written
                            + " distinct problems in " + (draws - 1) + " draws; ask for fewer pairs");
                }
                TaskPrompt p = problems.next();
                if (p.solution() == null) {
                    throw new IllegalArgumentException("the " + task.name() + " task has no worked solutions to "
                            + "make pairs from (arithmetic has)");
                }
                if (!seen.add(p.question())) {
                    continue;
                }
                w.write(JSON.createObjectNode().put("prompt", config.template().render(p.question()))
                        .put("chosen", p.solution()).put("rejected", WrongStep.corrupt(p.solution(), rng)).toString());
                w.newLine();
                written++;
            }
        }
        System.err.printf("aha rm pairs: %,d pairs from the %s task -> %s%n", written, task.name(), out);
        return 0;
    }

    /** Synthetic general requests (they repeat: the space is small, and that is no harm to a preference). */
    private int general() throws IOException {
        RunConfig config = run.model.load(Map.of()); // the prompt template; no task to build
        Random rng = new Random(seed);
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            for (int i = 0; i < count; i++) {
                GeneralRequests.Request r = GeneralRequests.draw(rng);
                w.write(JSON.createObjectNode().put("prompt", config.template().render(r.question()))
                        .put("chosen", r.chosen()).put("rejected", r.rejected()).toString());
                w.newLine();
            }
        }
        System.err.printf("aha rm pairs: %,d pairs of general requests -> %s%n", count, out);
        return 0;
    }
}
