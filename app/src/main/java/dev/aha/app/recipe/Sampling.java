package dev.aha.app.recipe;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.run.Progress;
import dev.aha.actors.run.PromptFit;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.rejection.RejectionSampler;
import dev.aha.runtime.rejection.SampleFile;
import dev.aha.runtime.rejection.SampleRecord;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.task.Tasks;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * The first half of rejection sampling as {@code aha sample} does it: k scored completions per prompt from a policy,
 * appended group by group to a {@link SampleFile}, so that a re-run with the same file, prompts, k and seed continues
 * a killed one (a prompt's samples depend only on the seed and its id).
 */
public final class Sampling {

    /**
     * @param prompts prompts in the list
     * @param resumed of them already in the file when this run started
     * @param lines lines this run wrote
     * @param pass1 share of this run's lines that are correct
     * @param wellFormed share well-formed
     * @param meanTokens mean completion length in tokens
     * @param truncated share that hit the length limit
     * @param seconds wall time
     */
    public record Totals(int prompts, int resumed, long lines, double pass1, double wellFormed, double meanTokens,
            double truncated, double seconds) {
        public ObjectNode toJson() {
            return MetricsLog.JSON.valueToTree(this);
        }

        static Totals read(JsonNode o) {
            try {
                return MetricsLog.JSON.treeToValue(o, Totals.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("sampling figures do not read back: " + e.getOriginalMessage(), e);
            }
        }
    }

    private Sampling() {}

    /**
     * Refuses an agent task: offline sampling takes one turn, so it would make up its tools' answers, and samples
     * kept from it would train on invented results. Episodes run in aha train and aha eval.
     */
    static void requireSingleTurn(String task) {
        if (Tasks.isAgent(task)) {
            throw new IllegalArgumentException("task " + task + " plays multi-turn episodes, which offline sampling "
                    + "does not run (tools and environments answer in aha train and aha eval)");
        }
    }

    /**
     * @param checkpoint the policy to sample (its version is written on every line), or null for the configured
     *     policy's initial weights (a Hugging Face model as it comes)
     * @param seed seeds each prompt's sampling with its id
     */
    public static Totals run(RunConfig config, Path checkpoint, List<TaskPrompt> selected, int k, long seed, Path out,
            String label) {
        if (config.simulated()) {
            throw new IllegalArgumentException("sampling needs the real policy: aha.backend = torch");
        }
        requireSingleTurn(config.train().task());
        try (RunResources resources = RunResources.open(config)) {
            return run(config, resources, checkpoint, selected, k, seed, out, label);
        }
    }

    private static Totals run(RunConfig config, RunResources resources, Path checkpoint, List<TaskPrompt> selected,
            int k, long seed, Path out, String label) {
        // before the model loads, not at the prompt that fails
        PromptFit.Report fit = PromptFit.of(selected, config, resources.tokenizer());
        if (fit.tooLong() > 0) {
            throw new IllegalArgumentException(fit.tooLong() + " of the " + fit.checked() + " prompts do not fit: the "
                    + "longest is " + fit.longest() + " tokens, and a prompt may have at most aha.policy.context-length ("
                    + config.policy().contextLength() + ") - aha.sampling.max-new-tokens ("
                    + config.sampling().maxNewTokens() + "); lower --max-new-tokens or --prompts, or use a model with "
                    + "a longer context");
        }
        double minLanguage = config.reject().minLanguage();
        ComputeThreads.prepare(1);
        long started = System.nanoTime();
        Tally tally = new Tally();
        int resumed = 0;
        try (NDManager manager = NDManager.newBaseManager(config.devices().rollout());
                Policy policy = checkpoint == null ? config.policy().create(manager)
                        : config.policy().blank(manager)) {
            long version = 0;
            if (checkpoint != null) {
                version = CheckpointStore.load(checkpoint, policy, null).path("version").asLong(0);
            }
            RejectionSampler sampler = new RejectionSampler(policy, resources.tokenizer(), config.template(),
                    config.sampling(), config.reward(), resources.rewards(), minLanguage, k, seed, version);
            try (SampleFile file = SampleFile.open(out, k, version)) {
                SampleFile.Recovered recovered = file.recovered();
                if (recovered.lines() > 0 || recovered.droppedBytes() > 0) {
                    System.err.printf("%s: continuing %s: %,d prompts done; cut off %d lines of an unfinished group, "
                                    + "%,d bytes in all%n", label, out, recovered.groups(), recovered.droppedLines(),
                            recovered.droppedBytes());
                }
                try (ProgressBar bar = Progress.bar(label, selected.size())) {
                    for (TaskPrompt p : selected) {
                        if (recovered.complete().contains(p.id())) {
                            resumed++;
                        } else {
                            List<SampleRecord> samples = sampler.sample(p);
                            file.append(samples);
                            tally.add(samples);
                            bar.setExtraMessage(String.format("pass@1 %.3f", tally.mean(tally.correct)));
                        }
                        bar.step();
                    }
                }
            }
        }
        return new Totals(selected.size(), resumed, tally.lines, tally.mean(tally.correct),
                tally.mean(tally.formatted), tally.mean(tally.tokens), tally.mean(tally.truncated),
                (System.nanoTime() - started) / 1e9);
    }

    private static final class Tally {
        long lines;
        double correct;
        double formatted;
        double tokens;
        double truncated;

        void add(List<SampleRecord> group) {
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
