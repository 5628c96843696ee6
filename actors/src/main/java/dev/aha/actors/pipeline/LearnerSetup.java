package dev.aha.actors.pipeline;

import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.policy.lora.SharedBase;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the learner starts from.
 *
 * @param resources the run's tokenizer and code sandbox, and the settings they were opened from
 * @param initialWeights the policy to train (cold start or resumed checkpoint), flat
 * @param referenceWeights the frozen reference for the KL term (the cold-start policy), flat
 * @param resumeFrom a checkpoint folder whose optimiser state and counters to restore, or null
 * @param state counters to continue from (zeros for a fresh run)
 * @param weights the weight plane the learner publishes on
 * @param checkpoints where checkpoints go
 * @param outDir metrics.jsonl, charts and the evaluation log go here
 * @param heldOut the held-out prompts for evaluations
 * @param deadlineNanos System.nanoTime() at which to finish
 * @param sharedBase where the learner offers its frozen LoRA base to the rollouts of its JVM
 *     ({@code aha.lora.rollout-apply = shared}), or null: then the base goes out on the weight plane
 */
public record LearnerSetup(
        RunResources resources,
        FlatWeights initialWeights,
        FlatWeights referenceWeights,
        Path resumeFrom,
        RunState state,
        WeightPlane weights,
        CheckpointStore checkpoints,
        Path outDir,
        List<TaskPrompt> heldOut,
        long deadlineNanos,
        SharedBase sharedBase) {

    /** A setup whose rollouts take the base from the weight plane. */
    public LearnerSetup(RunResources resources, FlatWeights initialWeights, FlatWeights referenceWeights,
            Path resumeFrom, RunState state, WeightPlane weights, CheckpointStore checkpoints, Path outDir,
            List<TaskPrompt> heldOut, long deadlineNanos) {
        this(resources, initialWeights, referenceWeights, resumeFrom, state, weights, checkpoints, outDir, heldOut,
                deadlineNanos, null);
    }

    /** The run's settings. */
    public RunConfig config() {
        return resources.config();
    }
}
