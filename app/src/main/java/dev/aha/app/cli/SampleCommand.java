package dev.aha.app.cli;

import dev.aha.actors.config.RunConfig;
import dev.aha.app.recipe.Sampling;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.rejection.PromptSelection;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha sample}: k completions per prompt from a checkpoint, scored with the training rewards, as JSON Lines
 * (see {@link SampleRecord} for each line's keys): the first half of R1's rejection sampling, {@code aha reject}
 * the second. Resumable: a re-run with the same --out continues a killed run (see {@link SampleFile}).
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample and score --k completions per prompt of the task.",
            "Samples from a checkpoint (or a Hugging Face --model), scores with the training rewards (aha.reward, and "
                + "language consistency always) and writes one JSON line per completion: the input of aha reject.",
            "A killed run continues where it stopped when run again with the same --out (no line twice, none lost)."})
public final class SampleCommand implements Callable<Integer> {

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "An Aha checkpoint (or a run's folder: its latest); or give a Hugging Face --model.")
    Path checkpoint;

    @Option(names = "--k", paramLabel = "N", description = "Completions per prompt (default: aha.train.group-size).")
    Integer k;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The samples, JSON Lines.")
    Path out;

    @Option(names = "--split", paramLabel = "train|held-out", defaultValue = "train",
            description = "The task's training prompts (default), or its held-out split.")
    String split;

    @Option(names = "--prompts", paramLabel = "N",
            description = "The first N prompts of the split (default: all of a file task's split; the arithmetic "
                    + "task needs N).")
    Integer prompts;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seeds the order of the training prompts and each prompt's sampling (default: "
                    + "aha.train.seed). A prompt's samples depend only on the seed and its id.")
    Long seed;

    @Mixin
    SamplingOptions sampling = new SamplingOptions();

    @Override
    public Integer call() {
        if ((checkpoint == null) == (run.model.model == null)) {
            throw new IllegalArgumentException("give exactly one of --checkpoint DIR and --model DIR");
        }
        PromptSelection.Split which = PromptSelection.Split.parse(split);
        Map<String, Object> overrides = new HashMap<>();
        sampling.into(overrides);
        Path dir = checkpoint == null ? null : CheckpointStore.resolve(checkpoint);
        RunConfig config = dir == null ? run.load(overrides) : run.loadFor(dir, overrides);
        if (dir == null && !Policies.HF.equals(config.policy().describe().path("architecture").asText())) {
            throw new IllegalArgumentException("--model must be a Hugging Face directory; a built-in GPT is sampled "
                    + "from its --checkpoint");
        }
        int group = k != null ? k : config.train().groupSize();
        long runSeed = seed != null ? seed : config.train().seed();
        Task task = TaskFactory.create(config.train().task(), config, run.trainFile, run.evalFile);
        List<TaskPrompt> selected = PromptSelection.select(task, which, prompts, runSeed);
        Sampling.Totals totals = Sampling.run(config, dir, selected, group, runSeed, out, "aha sample");
        System.err.printf("aha sample: %d prompts x %d samples -> %s (%d prompts were already there); this run: "
                        + "%d prompts, pass@1 %.4f, well-formed %.4f, mean %.1f tokens, %.1f%% hit the length limit%n",
                selected.size(), group, out, totals.resumed(), totals.prompts() - totals.resumed(), totals.pass1(),
                totals.wellFormed(), totals.meanTokens(), 100 * totals.truncated());
        return 0;
    }
}
