package dev.aha.app.recipe;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.Progress;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.sft.SftLoop;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;

/**
 * Supervised fine-tuning of the configured policy ({@code aha sft}, the cold start and SFT stages of a pipeline, a
 * distillation's student): from its initial weights or a checkpoint, batches of aha.train.cold-start.batch-size at
 * its learning rate, saved as a policy-only checkpoint that {@code aha train --init} and {@code aha eval} take.
 */
public final class SftRun {

    /**
     * @param checkpoint the checkpoint written
     * @param steps optimiser steps taken
     * @param loss mean loss of the last tenth of the steps
     * @param seconds wall time, saving included
     */
    public record Result(Path checkpoint, int steps, float loss, double seconds) {
        public SftFigures figures() {
            return new SftFigures(steps, loss, seconds);
        }

        public ObjectNode toJson() {
            return figures().toJson();
        }
    }

    private SftRun() {}

    /**
     * @param init the checkpoint to start from (its weights must fit {@code config}'s policy), or null for the
     *     policy's initial weights (aha.policy.init-seed; a Hugging Face model's own)
     * @param checkpoints the folder of checkpoints to write into (its {@code latest} names the result)
     * @param label the progress bar's name
     */
    public static Result run(RunConfig config, Path init, SftData data, int steps, Path checkpoints, String label) {
        return run(config, init, data, steps, null, checkpoints, label);
    }

    /**
     * The same, stopping at {@code timeLimit} of wall time if that comes before {@code maxSteps} (a budget in time:
     * {@code aha bench distill-vs-rl} gives two ways of training a student the same).
     *
     * @param maxSteps the most steps; {@link Integer#MAX_VALUE} with a time limit: as many as fit
     * @param timeLimit null for none
     */
    public static Result run(RunConfig config, Path init, SftData data, int maxSteps, Duration timeLimit,
            Path checkpoints, String label) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("SFT needs at least 1 step, was " + maxSteps);
        }
        if (maxSteps == Integer.MAX_VALUE && timeLimit == null) {
            throw new IllegalArgumentException("SFT needs a number of steps or a time limit");
        }
        if (config.lora().enabled()) {
            throw new IllegalArgumentException("aha.lora.rank = " + config.lora().rank() + ": SFT trains every weight "
                    + "(LoRA adapts the policy aha train's RL trains); set aha.lora.rank = 0 for SFT");
        }
        ComputeThreads.prepare(1);
        long started = System.nanoTime();
        boolean byTime = timeLimit != null && maxSteps == Integer.MAX_VALUE;
        try (Tokenizer tokenizer = config.tokenizer().open();
                NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = init == null ? config.policy().create(manager) : config.policy().blank(manager);
                ProgressBar bar = byTime ? Progress.bar(label + " (s)", timeLimit.toSeconds())
                        : Progress.bar(label, maxSteps)) {
            data.check(tokenizer);
            if (init != null) {
                CheckpointStore.load(init, policy, null);
            }
            AdamWSettings adam = AdamWSettings.defaults(config.train().coldStartLearningRate());
            SftLoop.Outcome outcome = SftLoop.run(policy, tokenizer, data.template(), data.examples(),
                    maxSteps, timeLimit, config.train().coldStartBatchSize(), adam, config.train().logitsBudget(),
                    p -> {
                        if (byTime) {
                            bar.stepTo(Math.min(timeLimit.toSeconds(), (System.nanoTime() - started) / 1_000_000_000L));
                            bar.setExtraMessage(String.format("step %,d, loss %.3f", p.step(), p.loss()));
                        } else {
                            bar.step();
                            bar.setExtraMessage(String.format("loss %.3f", p.loss()));
                        }
                    });
            int steps = outcome.steps();
            ObjectNode state = MetricsLog.JSON.createObjectNode().put("sft_steps", steps)
                    .put("final_loss", outcome.loss()).put("data", data.source());
            if (timeLimit != null) {
                state.put("time_limit_seconds", timeLimit.toMillis() / 1000.0);
            }
            if (init != null) {
                state.put("init", init.toString());
            }
            Path saved = new CheckpointStore(checkpoints, 1).describing(config.policyDescription())
                    .savePolicy(steps, policy, state);
            return new Result(saved, steps, outcome.loss(), (System.nanoTime() - started) / 1e9);
        }
    }
}
