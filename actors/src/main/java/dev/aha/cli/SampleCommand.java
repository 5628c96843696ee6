package dev.aha.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.Progress;
import dev.aha.actors.run.PromptFit;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.rejection.PromptSelection;
import dev.aha.runtime.rejection.RejectionSampler;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.rejection.SampleFile;
import dev.aha.runtime.rejection.SampleRecord;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha sample}: k completions per prompt from a checkpoint, scored with the training rewards, as JSON Lines
 * (see {@link SampleRecord} for each line's keys): the first half of R1's rejection sampling, {@code aha reject}
 * the second. Resumable: a re-run with the same --out continues a killed run (see {@link SampleFile}).
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample --k completions per prompt of the task from a checkpoint (or a Hugging Face --model), "
                + "score them with the training rewards (aha.reward, and language consistency always) and write one "
                + "JSON line per completion: the input of aha reject.",
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

    @Option(names = "--temperature", paramLabel = "T", description = "Default: aha.sampling.temperature.")
    Float temperature;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Default: aha.sampling.max-new-tokens.")
    Integer maxNewTokens;

    @Override
    public Integer call() {
        if ((checkpoint == null) == (run.model.model == null)) {
            throw new IllegalArgumentException("give exactly one of --checkpoint DIR and --model DIR");
        }
        PromptSelection.Split which = PromptSelection.Split.parse(split);
        Map<String, Object> overrides = new HashMap<>();
        if (temperature != null) {
            overrides.put("aha.sampling.temperature", temperature);
        }
        if (maxNewTokens != null) {
            overrides.put("aha.sampling.max-new-tokens", maxNewTokens);
        }
        Path dir = checkpoint == null ? null : CheckpointStore.resolve(checkpoint);
        RunConfig config = dir == null ? run.load(overrides) : run.loadFor(dir, overrides);
        if (config.simulated()) {
            throw new IllegalArgumentException("aha sample needs the real policy: aha.backend = torch");
        }
        if (dir == null && !Policies.HF.equals(config.policy().describe().path("architecture").asText())) {
            throw new IllegalArgumentException("--model must be a Hugging Face directory; a built-in GPT is sampled "
                    + "from its --checkpoint");
        }
        int group = k != null ? k : config.train().groupSize();
        long runSeed = seed != null ? seed : config.train().seed();
        double minLanguage = RejectionSettings.fromConfig(config.raw().getConfig("aha.reject")).minLanguage();
        Task task = TaskFactory.create(config.train().task(), config, run.trainFile, run.evalFile);
        List<TaskPrompt> selected = PromptSelection.select(task, which, prompts, runSeed);
        requireFit(selected, config);
        ComputeThreads.prepare(1);
        Totals totals = new Totals();
        int resumed;
        try (NDManager manager = NDManager.newBaseManager(config.devices().rollout());
                Policy policy = dir == null ? config.policy().create(manager) : config.policy().blank(manager)) {
            long version = 0;
            if (dir != null) {
                ObjectNode state = CheckpointStore.load(dir, policy, null);
                version = state.path("version").asLong(0);
            }
            RejectionSampler sampler = new RejectionSampler(policy, config.tokenizer(), config.template(),
                    config.sampling(), config.reward(), minLanguage, group, runSeed, version);
            try (SampleFile file = SampleFile.open(out, group, version)) {
                SampleFile.Recovered recovered = file.recovered();
                if (recovered.lines() > 0 || recovered.droppedBytes() > 0) {
                    System.err.printf("aha sample: continuing %s: %,d prompts done; cut off %d lines of an unfinished "
                            + "group, %,d bytes in all%n", out, recovered.groups(), recovered.droppedLines(),
                            recovered.droppedBytes());
                }
                resumed = 0;
                try (ProgressBar bar = Progress.bar("sample", selected.size())) {
                    for (TaskPrompt p : selected) {
                        if (recovered.complete().contains(p.id())) {
                            resumed++;
                            bar.step();
                            continue;
                        }
                        List<SampleRecord> samples = sampler.sample(p);
                        file.append(samples);
                        totals.add(samples);
                        bar.step();
                        bar.setExtraMessage(String.format("pass@1 %.3f", totals.mean(totals.correct)));
                    }
                }
            }
        }
        System.err.printf("aha sample: %d prompts x %d samples -> %s (%d prompts were already there); this run: "
                        + "%d prompts, pass@1 %.4f, well-formed %.4f, mean %.1f tokens, %.1f%% hit the length limit%n",
                selected.size(), group, out, resumed, totals.prompts, totals.mean(totals.correct),
                totals.mean(totals.formatted), totals.mean(totals.tokens), 100 * totals.mean(totals.truncated));
        return 0;
    }

    /** Every prompt leaves room for max-new-tokens: checked before the model loads, not at the prompt that fails. */
    private static void requireFit(List<TaskPrompt> selected, RunConfig config) {
        PromptFit.Report fit = PromptFit.of(selected, config);
        if (fit.tooLong() > 0) {
            int room = config.policy().contextLength() - config.sampling().maxNewTokens();
            throw new IllegalArgumentException(fit.tooLong() + " of the " + fit.checked() + " prompts do not fit: the "
                    + "longest is " + fit.longest() + " tokens, and a prompt may have at most aha.policy.context-length ("
                    + config.policy().contextLength() + ") - max-new-tokens (" + config.sampling().maxNewTokens()
                    + ") = " + room + "; lower --max-new-tokens or --prompts, or use a model with a longer context");
        }
    }

    private static final class Totals {
        long prompts;
        long lines;
        double correct;
        double formatted;
        double tokens;
        double truncated;

        void add(List<SampleRecord> group) {
            prompts++;
            for (SampleRecord s : group) {
                lines++;
                correct += s.correct() ? 1 : 0;
                formatted += s.wellFormed() ? 1 : 0;
                tokens += s.tokens();
                truncated += s.truncated() ? 1 : 0;
            }
        }

        double mean(double sum) {
            return lines == 0 ? 0 : sum / lines;
        }
    }
}
