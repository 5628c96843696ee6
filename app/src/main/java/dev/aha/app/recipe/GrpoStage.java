package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.RunState;
import dev.aha.actors.run.TrainingSession;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.rm.MixedDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A grpo stage: an {@code aha train --init} run from its input checkpoint (from the initial policy: R1-Zero, no cold
 * start) for its minutes of RL. An interrupted run continues from its latest checkpoint for the minutes it has left.
 *
 * <p>With {@code reward-model-from}, the run hosts that stage's reward model ({@code aha.reward.model.path}); with
 * {@code general-share} too, it trains on a mixed dataset written into its folder, R1's last stage: the task's
 * problems for the rules among synthetic general requests for the reward model ({@link MixedDataset}), and
 * evaluates on the task's held-out problems.
 */
final class GrpoStage implements StageRunner<GrpoOutput> {

    /** Rows of the mixed dataset when the stage does not say. */
    static final int MIXED_PROMPTS = 4000;
    static final String MIXED = "mixed.jsonl";
    static final String MIXED_HELD_OUT = "held-out.jsonl";

    private final StageContext context;
    private final PrintStream log;

    GrpoStage(StageContext context, PrintStream log) {
        this.context = context;
        this.log = log;
    }

    @Override
    public StageResult<GrpoOutput> run(Stage s, Path dir, StageInput in) {
        Path init = in.checkpoint();
        Map<String, Object> f = context.forced();
        if (init == null) {
            f.put("aha.train.cold-start.steps", 0); // from the initial policy: R1-Zero, no SFT first
        }
        if (in.rewardModel() != null) {
            f.put("aha.reward.model.path", in.rewardModel().toAbsolutePath().toString());
        }
        if (s.generalShare() != null) {
            f.put("aha.train.task", "jsonl"); // the mixed rows, each naming its reward
        }
        RunConfig c = context.forCheckpoint(s, f, init);
        Optional<Path> latest = new CheckpointStore(dir.resolve("checkpoints"), 1).latest();
        boolean resume = latest.isPresent() && new CheckpointStore(dir.resolve("cold-start"), 1).latest().isPresent();
        double minutes = s.minutes();
        if (resume) {
            double spent = rlSeconds(latest.get()) / 60;
            minutes = Math.max(s.minutes() - spent, 0.05);
            log.printf("aha pipeline: %s: continuing the interrupted run from %s (%.1f of %.1f minutes of RL left)%n",
                    s.name(), context.out().relativize(latest.get()), minutes, s.minutes());
        } else {
            StageFiles.deleteTree(dir); // killed before its first checkpoint: nothing to continue
        }
        boolean sameEvaluation = Configs.evalSignature(c).equals(Configs.evalSignature(context.evalConfig(init)));
        EvalResult known = !resume && init != null && sameEvaluation ? in.figures() : null;
        Recipe recipe = context.recipe();
        Path trainFile = recipe.trainFile();
        Path evalFile = recipe.evalFile();
        if (s.generalShare() != null) {
            trainFile = dir.resolve(MIXED);
            evalFile = dir.resolve(MIXED_HELD_OUT);
            writeMixed(s, c, trainFile, evalFile);
        }
        TrainingSession session = new TrainingSession(c, new TrainingSession.Options(dir, minutes,
                resume ? dir : null, resume ? null : init, trainFile, evalFile, known));
        ObjectNode summary = session.run();
        Path checkpoint = new CheckpointStore(dir.resolve("checkpoints"), 1).latest().orElseThrow(
                () -> new IllegalStateException(s.where() + ": the run left no checkpoint in " + dir));
        String note = String.format("%,d learner steps in %s min of RL%s", summary.path("steps").asLong(),
                StageText.minutes(s.minutes()), resume ? " (continued after an interruption)" : "");
        GrpoOutput output = GrpoOutput.read(summary, s.minutes(), context.relative(dir.resolve("summary.json")),
                context.relative(dir.resolve("charts")), note)
                .withRewards(RewardParts.read(dir.resolve("metrics.jsonl"), in.rewardModel() != null));
        return new StageResult<>(output, checkpoint, sameEvaluation ? session.finished().finalEval() : null);
    }

    /** The mixed dataset and its held-out rule rows (kept when a resumed run finds them). */
    private static void writeMixed(Stage s, RunConfig c, Path train, Path heldOut) {
        if (Files.isRegularFile(train) && Files.isRegularFile(heldOut)) {
            return;
        }
        int rows = s.prompts() != null ? s.prompts() : MIXED_PROMPTS;
        try {
            MixedDataset.write(train, c.arithmetic(), rows, s.generalShare(), s.seed() != null ? s.seed()
                    : c.train().seed());
            MixedDataset.heldOut(heldOut, c.arithmetic(), c.train().evalPrompts());
        } catch (IOException e) {
            throw new UncheckedIOException(s.where() + ": cannot write its mixed dataset: " + e.getMessage(), e);
        }
    }

    /** RL seconds a run's checkpoint had behind it. */
    private static double rlSeconds(Path checkpoint) {
        try {
            JsonNode state = MetricsLog.JSON.readTree(checkpoint.resolve("state.json").toFile());
            return state.path("run") instanceof ObjectNode run ? RunState.fromJson(run).wallSeconds() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + checkpoint.resolve("state.json"), e);
        }
    }
}
