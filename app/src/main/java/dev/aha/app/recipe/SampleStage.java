package dev.aha.app.recipe;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.rejection.PromptSelection;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.List;

/**
 * A sample stage: k scored completions per prompt from its input checkpoint ({@code aha sample}). An interrupted one
 * continues its sample file; the checkpoint passes on.
 */
final class SampleStage implements StageRunner<SampleOutput> {

    static final String SAMPLES = "samples.jsonl";

    private final StageContext context;

    SampleStage(StageContext context) {
        this.context = context;
    }

    @Override
    public StageResult<SampleOutput> run(Stage s, Path dir, StageInput in) {
        return new StageResult<>(sample(s, dir, in), in.checkpoint(), null);
    }

    SampleOutput sample(Stage s, Path dir, StageInput in) {
        RunConfig c = context.forCheckpoint(s, in.checkpoint());
        int k = s.k() != null ? s.k() : c.train().groupSize();
        long seed = s.seed() != null ? s.seed() : c.train().seed();
        PromptSelection.Split split = s.split() != null ? s.split() : PromptSelection.Split.TRAIN;
        List<TaskPrompt> prompts = PromptSelection.select(context.task(c), split, s.prompts(), seed);
        Path samples = dir.resolve(SAMPLES);
        Sampling.Totals t = Sampling.run(c, in.checkpoint(), prompts, k, seed, samples, s.folder() + " sample");
        return new SampleOutput(context.relative(samples), k, split, seed, t);
    }
}
