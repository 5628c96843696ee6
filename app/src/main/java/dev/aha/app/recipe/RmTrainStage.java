package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.app.cli.RewardModelRun;
import dev.aha.runtime.rm.PairFiles;
import dev.aha.runtime.task.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An rm-train stage: preference pairs generated into its folder (or the recipe's file), then a reward model trained
 * on them from its input checkpoint's decoder with a fresh score head ({@code aha rm train}, settings
 * {@code aha.rm}). The policy is not changed: the stage passes its input checkpoint on. A killed stage starts again.
 */
final class RmTrainStage implements StageRunner<RmTrainOutput> {

    static final String PAIRS = "pairs.jsonl";
    static final String MODEL = "reward-model";

    private final StageContext context;
    private final PrintStream log;

    RmTrainStage(StageContext context, PrintStream log) {
        this.context = context;
        this.log = log;
    }

    @Override
    public StageResult<RmTrainOutput> run(Stage s, Path dir, StageInput in) {
        if (in.checkpoint() == null) {
            throw new IllegalArgumentException(s.where() + ": a reward model starts from a checkpoint's decoder, and "
                    + s.from() + " has none: give from = a stage that trains");
        }
        StageFiles.deleteTree(dir);
        RunConfig c = context.forCheckpoint(s, in.checkpoint());
        long seed = s.seed() != null ? s.seed() : c.rm().seed();
        Path pairs = s.data() != null ? s.data() : dir.resolve(PAIRS);
        try {
            if (Stage.GENERAL_PAIRS.equals(s.pairs())) {
                PairFiles.general(pairs, c.template()::render, s.count(), seed);
            } else if (Stage.TASK_PAIRS.equals(s.pairs())) {
                Task task = context.task(c);
                PairFiles.fromTask(pairs, task.trainStream(seed), task.name(), c.template()::render, s.count(), seed);
            }
            Long maxSeconds = s.minutes() == null ? null : Math.max(1, Math.round(s.minutes() * 60));
            ObjectNode figures = new RewardModelRun(in.checkpoint(), pairs, dir.resolve(MODEL), null, s.steps(),
                    maxSeconds, null, c.rm()).run(log);
            String source = s.pairs() != null ? s.pairs() : "file";
            RmTrainOutput output = new RmTrainOutput(context.relative(dir.resolve(MODEL)),
                    context.relativeOrAbsolute(pairs), source, figures.path("train_pairs").asInt(),
                    figures.path("held_out_pairs").asInt(), figures.path("held_out_accuracy_before").asDouble(),
                    figures.path("held_out_accuracy").asDouble(), figures.path("steps").asInt(),
                    figures.path("seconds").asDouble());
            return new StageResult<>(output, in.checkpoint(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(s.where() + ": " + e.getMessage(), e);
        }
    }
}
