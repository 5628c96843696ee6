package dev.aha.actors.run;

import dev.aha.actors.cluster.ClusterNode;
import dev.aha.actors.cluster.MembershipLog;
import dev.aha.actors.cluster.NodeRole;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.TrainSettings;
import dev.aha.actors.pipeline.Dispatcher;
import dev.aha.actors.pipeline.Learner;
import dev.aha.actors.pipeline.LearnerSetup;
import dev.aha.actors.pipeline.Workers;
import dev.aha.actors.telemetry.ClusterGatherer;
import dev.aha.actors.telemetry.TelemetryReporter;
import dev.aha.runtime.reward.CompositeReward;
import java.time.Duration;
import dev.aha.runtime.task.PromptStream;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The guardian of the learner's node: the learner, the dispatcher and the membership log, plus whichever of
 * rollouts and reward actors this node's roles include (all of them in a single-JVM run). Compute actors run on
 * pinned threads of their own. Completes {@code finished} when the learner is done.
 *
 * <p>Failure policy: the learner and the dispatcher are watched; the run cannot go on without either, so the
 * failure of one completes {@code finished} exceptionally at once with a {@link TrainingFailed} naming the cause,
 * and the session ends with it rather than at its deadline. Rollouts and reward actors fail on their own terms
 * (their leases are re-issued; see {@code Workers}).
 */
public final class TrainingRun {

    private TrainingRun() {}

    /** Every role in this JVM: aha train. */
    public static Behavior<Learner.Finished> create(LearnerSetup setup, PromptStream prompts,
            CompletableFuture<Learner.Finished> finished) {
        return create(setup, prompts, setup.resources().rewards(), finished, ClusterNode.singleJvm(),
                new ConcurrentLinkedQueue<>());
    }

    /** Every role in this JVM, with a given reward (tests inject failing ones). */
    public static Behavior<Learner.Finished> create(LearnerSetup setup, PromptStream prompts, CompositeReward reward,
            CompletableFuture<Learner.Finished> finished) {
        return create(setup, prompts, reward, finished, ClusterNode.singleJvm(), new ConcurrentLinkedQueue<>());
    }

    /**
     * @param node this node's roles: the learner's node always hosts the learner and the dispatcher
     * @param membership the membership journal, read by the session when the run is over
     */
    static Behavior<Learner.Finished> create(LearnerSetup setup, PromptStream prompts, CompositeReward reward,
            CompletableFuture<Learner.Finished> finished, ClusterNode node, Queue<MembershipLog.Change> membership) {
        return Behaviors.setup(ctx -> {
            RunConfig config = setup.config();
            TrainSettings train = config.train();
            ctx.spawn(MembershipLog.create(membership), "membership");
            ctx.spawn(TelemetryReporter.create(), "telemetry");
            ctx.spawn(ClusterGatherer.create(Duration.ofSeconds(2)), "telemetry-gatherer");
            ctx.watch(ctx.spawn(Dispatcher.create(train, prompts, config.template(), setup.state().nextPromptId(),
                    setup.state().version(), setup.outDir().resolve("quarantine.jsonl")), "dispatcher"));
            ctx.watch(ctx.spawn(Learner.create(setup, ctx.getSelf()), "learner",
                    DispatcherSelector.fromConfig(Workers.COMPUTE_DISPATCHER)));
            if (node.has(NodeRole.REWARD)) {
                Workers.spawnRewards(ctx, config, reward);
            }
            if (node.has(NodeRole.ROLLOUT)) {
                Workers.spawnRollouts(ctx, setup.resources(), true, setup.weights(), setup.sharedBase());
            }
            return Behaviors.receive(Learner.Finished.class)
                    .onMessage(Learner.Finished.class, done -> {
                        finished.complete(done);
                        return Behaviors.stopped();
                    })
                    .onSignal(ChildFailed.class, failed -> {
                        ctx.getLog().error("the {} failed: the run ends now", failed.getRef().path().name(),
                                failed.getCause());
                        finished.completeExceptionally(new TrainingFailed(failed.getRef().path().name(),
                                failed.getCause()));
                        return Behaviors.stopped();
                    })
                    .build();
        });
    }
}
