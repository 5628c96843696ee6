package dev.aha.app.recipe;

import ai.djl.ndarray.NDManager;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.run.Progress;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.eval.Evaluator;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.util.List;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;

/**
 * The held-out evaluation of one policy as {@code aha train} takes it before RL and at the end: the first
 * aha.train.eval-prompts held-out prompts, aha.train.eval-k samples each and a greedy decode, seeded by
 * aha.train.seed + 17, answers read as aha.reward.extract says. Equal settings give equal figures for equal weights.
 */
public final class HeldOut {

    private HeldOut() {}

    /** @param checkpoint the weights, or null for the configured policy's initial ones */
    public static EvalResult evaluate(RunConfig config, Path checkpoint, Task task, String label) {
        ComputeThreads.prepare(1);
        List<TaskPrompt> prompts = task.heldOut(config.train().evalPrompts());
        try (RunResources resources = RunResources.open(config);
                NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = checkpoint == null ? config.policy().create(manager)
                        : config.policy().blank(manager)) {
            if (checkpoint != null) {
                CheckpointStore.load(checkpoint, policy, null);
            }
            Evaluator evaluator = resources.evaluator(policy, config.train().evalK());
            try (ProgressBar bar = Progress.bar(label, prompts.size())) {
                return evaluator.evaluate(prompts, bar::stepTo);
            }
        }
    }
}
