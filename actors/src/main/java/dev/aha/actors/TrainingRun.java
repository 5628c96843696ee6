package dev.aha.actors;

import dev.aha.protocol.pipeline.RolloutMessage;
import dev.aha.runtime.task.PromptStream;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The guardian of a single-JVM training run: starts the learner, the dispatcher, the reward pool and the rollouts
 * (compute actors on pinned threads of their own), and completes {@code finished} when the learner is done.
 */
public final class TrainingRun {

    public static final String COMPUTE_DISPATCHER = "aha.compute-dispatcher";
    public static final String REWARD_DISPATCHER = "aha.reward-dispatcher";

    private TrainingRun() {}

    public static Behavior<Learner.Finished> create(LearnerSetup setup, PromptStream prompts,
            CompletableFuture<Learner.Finished> finished) {
        return create(setup, prompts, setup.config().reward().compose(), finished);
    }

    /** @param reward the reward every reward actor scores with (tests inject failing ones) */
    public static Behavior<Learner.Finished> create(LearnerSetup setup, PromptStream prompts,
            dev.aha.runtime.reward.CompositeReward reward, CompletableFuture<Learner.Finished> finished) {
        return Behaviors.setup(ctx -> {
            RunConfig config = setup.config();
            TrainSettings train = config.train();
            ctx.spawn(Dispatcher.create(train, prompts, config.template(), setup.state().nextPromptId(),
                    setup.state().version()), "dispatcher");
            ctx.spawn(Learner.create(setup, ctx.getSelf()), "learner", DispatcherSelector.fromConfig(COMPUTE_DISPATCHER));
            for (int i = 0; i < train.rewardActors(); i++) {
                Behavior<dev.aha.protocol.pipeline.RewardMessage> scorer = Behaviors.supervise(
                        Reward.create(reward, config.grpo()))
                        .onFailure(SupervisorStrategy.restart().withLimit(10, java.time.Duration.ofSeconds(10)));
                ctx.spawn(scorer, "reward-" + i, DispatcherSelector.fromConfig(REWARD_DISPATCHER));
            }
            for (int i = 0; i < train.rollouts(); i++) {
                Behavior<RolloutMessage> rollout = Rollout.create("rollout-" + i, train, config.policy(),
                        config.sampling(), config.tokenizer(), setup.weights(), train.seed() * 1000 + i);
                ctx.spawn(rollout, "rollout-" + i, DispatcherSelector.fromConfig(COMPUTE_DISPATCHER));
            }
            return Behaviors.receive(Learner.Finished.class)
                    .onMessage(Learner.Finished.class, done -> {
                        finished.complete(done);
                        return Behaviors.stopped();
                    })
                    .build();
        });
    }
}
