package dev.aha.actors.config;

import com.typesafe.config.Config;
import dev.aha.runtime.engine.TrainPrecision;
import java.time.Duration;

/**
 * The pipeline's shape (see {@code aha.train} in reference.conf for each key).
 *
 * @param task task name
 * @param template prompt template text, or "r1-zero"
 * @param groupSize G
 * @param batchGroups groups per learner step
 * @param rollouts rollout actors in this JVM
 * @param rewardActors reward actors in this JVM
 * @param maxStaleness most versions a used sample may lag the learner
 * @param sync staleness 0 and a barrier per step
 * @param staleness whether groups beyond max-staleness are dropped as they arrive, or leases paced so they arrive
 *     within it (and dropped still, should one arrive late)
 * @param maxInFlightGroups leases outstanding at once
 * @param rolloutQueue groups a rollout holds beyond what its free sequence slots take
 * @param leaseTimeout when an open lease is handed out again
 * @param checkpointEvery learner steps between checkpoints (0 = end only)
 * @param evalEvery learner steps between evaluations (0 = before and after only)
 * @param evalPrompts held-out prompts per evaluation
 * @param evalK samples per held-out prompt in the evaluations before RL and at the end
 * @param evalEveryK samples per held-out prompt in the evaluations every {@code evalEvery} steps
 * @param evalEveryPrompts held-out prompts in those (the first of the held-out set; no greedy decode)
 * @param seed seeds prompts and rollouts
 * @param learnerThreads intra-op threads of the learner
 * @param coldStartSteps SFT steps of the cold start
 * @param coldStartBatchSize SFT batch size
 * @param coldStartLearningRate SFT learning rate
 * @param progressEvery learner steps between progress log lines
 * @param quarantineAfter failures after which a prompt is kept out of the stream
 * @param logitsBudget the bytes of whole logits one learner forward (GRPO or SFT) may stand for; larger batches run
 *     as micro-batches whose gradients accumulate (the head itself runs on chunks, see ChunkedLogProbs)
 * @param maxSteps learner steps (counted from the run's start, across resumes) at which the run ends as at its
 *     deadline; 0 = the deadline alone
 * @param precision how the learner computes its GRPO steps (float32 master weights either way)
 * @param hardPrompts a JSON Lines file labelling training prompts the cold start failed, or "" for none
 */
public record TrainSettings(
        String task,
        String template,
        int groupSize,
        int batchGroups,
        int rollouts,
        int rewardActors,
        int maxStaleness,
        boolean sync,
        StalenessPolicy staleness,
        int maxInFlightGroups,
        int rolloutQueue,
        Duration leaseTimeout,
        int checkpointEvery,
        int evalEvery,
        int evalPrompts,
        int evalK,
        int evalEveryK,
        int evalEveryPrompts,
        long seed,
        int learnerThreads,
        int coldStartSteps,
        int coldStartBatchSize,
        double coldStartLearningRate,
        int progressEvery,
        long logitsBudget,
        int quarantineAfter,
        long maxSteps,
        TrainPrecision precision,
        String hardPrompts) {

    public TrainSettings {
        atLeast("group-size", groupSize, 2);
        atLeast("batch-groups", batchGroups, 1);
        atLeast("rollouts", rollouts, 0);
        atLeast("reward-actors", rewardActors, 0);
        atLeast("max-staleness", maxStaleness, 0);
        atLeast("max-in-flight-groups", maxInFlightGroups, 1);
        atLeast("rollout-queue", rolloutQueue, 1);
        atLeast("checkpoint-every", checkpointEvery, 0);
        atLeast("eval-every", evalEvery, 0);
        atLeast("eval-prompts", evalPrompts, 1);
        atLeast("eval-k", evalK, 1);
        atLeast("eval-every-k", evalEveryK, 1);
        atLeast("eval-every-prompts", evalEveryPrompts, 1);
        atLeast("learner-threads", learnerThreads, 1);
        atLeast("cold-start.steps", coldStartSteps, 0);
        atLeast("cold-start.batch-size", coldStartBatchSize, 1);
        atLeast("progress-every", progressEvery, 1);
        atLeast("logits-budget", logitsBudget, 1);
        atLeast("quarantine-after", quarantineAfter, 1);
        atLeast("max-steps", maxSteps, 0);
        if (sync && staleness == StalenessPolicy.PACE) {
            throw new IllegalArgumentException("aha.train.staleness = pace paces asynchronous sampling, but sync = on "
                    + "samples every group fresh: use staleness = drop or sync = off");
        }
        if (sync && maxStaleness != 0) {
            throw new IllegalArgumentException("sync mode means max-staleness = 0, was " + maxStaleness);
        }
        if (!sync && maxInFlightGroups < batchGroups) {
            throw new IllegalArgumentException("max-in-flight-groups (" + maxInFlightGroups
                    + ") must be >= batch-groups (" + batchGroups + "), or no batch can ever fill");
        }
        if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
            throw new IllegalArgumentException("lease-timeout must be positive, was " + leaseTimeout);
        }
    }

    /** Reads {@code aha.train}. */
    public static TrainSettings fromConfig(Config t) {
        return new TrainSettings(t.getString("task"), t.getString("template"), t.getInt("group-size"),
                t.getInt("batch-groups"), t.getInt("rollouts"), t.getInt("reward-actors"), t.getInt("max-staleness"),
                t.getBoolean("sync"), StalenessPolicy.of(t.getString("staleness")), t.getInt("max-in-flight-groups"),
                t.getInt("rollout-queue"),
                t.getDuration("lease-timeout"), t.getInt("checkpoint-every"), t.getInt("eval-every"),
                t.getInt("eval-prompts"), t.getInt("eval-k"), t.getInt("eval-every-k"),
                t.getInt("eval-every-prompts"), t.getLong("seed"), t.getInt("learner-threads"),
                t.getInt("cold-start.steps"), t.getInt("cold-start.batch-size"),
                t.getDouble("cold-start.learning-rate"), t.getInt("progress-every"), t.getBytes("logits-budget"),
                t.getInt("quarantine-after"), t.getLong("max-steps"), TrainPrecision.parse(t.getString("precision")),
                t.getString("hard-prompts"));
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException("aha.train." + key + " must be at least " + min + ", was " + value);
        }
    }
}
