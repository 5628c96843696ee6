package dev.aha.actors.pipeline;

import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.pipeline.RewardMessage;
import dev.aha.protocol.pipeline.RolloutMessage;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.reward.CodeExecutionReward;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.rm.JudgeReward;
import dev.aha.runtime.rm.LearnedReward;
import dev.aha.runtime.rm.ModelReward;
import dev.aha.runtime.sandbox.CodeRunPool;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Spawns a node's rollouts and reward actors, each on the thread pool its work needs: rollouts (and the learner) on
 * pinned compute threads, reward actors on a small pool of their own.
 */
public final class Workers {

    /** Pinned threads for DJL compute: one per rollout and one for the learner. */
    public static final String COMPUTE_DISPATCHER = "aha.compute-dispatcher";
    public static final String REWARD_DISPATCHER = "aha.reward-dispatcher";

    private Workers() {}

    /**
     * Rollout ids carry a joining node's port so they are unique across the cluster's nodes on one host.
     *
     * @param onSeed whether this is the learner's node (its rollouts are rollout-0, rollout-1, ...)
     */
    public static void spawnRollouts(ActorContext<?> ctx, RunResources run, boolean onSeed, WeightPlane weights) {
        spawnRollouts(ctx, run, onSeed, weights, null);
    }

    /**
     * The same; with {@code sharedBase} (aha.lora.rollout-apply = shared, in the learner's JVM) each rollout decodes
     * over the base the learner offers there instead of a replica from the weight plane.
     */
    public static void spawnRollouts(ActorContext<?> ctx, RunResources run, boolean onSeed, WeightPlane weights,
            SharedBase sharedBase) {
        RunConfig config = run.config();
        int port = Cluster.get(ctx.getSystem()).selfMember().address().getPort().orElse(0);
        // The learner's threads are its own; the rollouts share the cores it leaves.
        int threads = config.rollout().threadsFor(config.train().rollouts(),
                onSeed ? config.train().learnerThreads() : 0, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < config.train().rollouts(); i++) {
            String id = onSeed ? "rollout-" + i : "rollout-" + port + "-" + i;
            long seed = onSeed ? config.train().seed() * 1000 + i
                    : config.train().seed() * 1_000_000 + port * 100L + i;
            Behavior<RolloutMessage> rollout = Rollout.create(id, run, weights, seed, threads, sharedBase);
            ctx.spawn(rollout, id, DispatcherSelector.fromConfig(COMPUTE_DISPATCHER));
        }
    }

    /**
     * A reward that runs code gets the node's {@link CodeRunPool} (aha.sandbox.max-concurrent threads, shared by the
     * reward actors, closed with the actor system): its runs block for up to the wall-time limit, never on a
     * dispatcher's thread.
     *
     * A configured reward model (aha.reward.model) is loaded once for the node, on the rollout device, on a thread
     * of its own that every reward actor of the node sends its groups to; it is refused here, before any actor
     * starts, when it cannot score this run (see {@link ModelReward#start}).
     *
     * @param reward the rule every reward actor scores with (tests inject failing ones)
     */
    public static void spawnRewards(ActorContext<?> ctx, RunConfig config, CompositeReward reward) {
        LearnedReward model = learnedReward(config);
        if (model != null) {
            ctx.getSystem().getWhenTerminated().thenRun(model::close);
        }
        CodeRunPool pool = runsCode(reward) ? CodeRunPool.of(config.sandbox()) : null;
        if (pool != null) {
            ctx.getSystem().getWhenTerminated().thenRun(pool::close);
        }
        for (int i = 0; i < config.train().rewardActors(); i++) {
            Behavior<RewardMessage> scorer = Behaviors.supervise(Reward.create(reward, config.grpo(), pool, model))
                    .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofSeconds(10)));
            ctx.spawn(scorer, "reward-" + i, DispatcherSelector.fromConfig(REWARD_DISPATCHER));
        }
    }

    /** The node's reward model or judge (aha.reward.model / aha.reward.judge), loaded now; null for neither. */
    private static LearnedReward learnedReward(RunConfig config) {
        if (config.reward().model().hasModel()) {
            return ModelReward.start(config.reward().model(), config.policy().contextLength(),
                    config.devices().rollout());
        }
        if (config.reward().judge() != null && config.reward().judge().enabled()) {
            return JudgeReward.start(config.reward().judge(), config.reward().model().route(),
                    config.devices().rollout());
        }
        return null;
    }

    static boolean runsCode(CompositeReward reward) {
        return reward.parts().stream().anyMatch(p -> p.function() instanceof CodeExecutionReward);
    }
}
