package dev.aha.actors.cluster;

import dev.aha.actors.config.RunResources;
import dev.aha.actors.pipeline.Reward;
import dev.aha.actors.pipeline.Workers;
import dev.aha.actors.telemetry.TelemetryReporter;
import dev.aha.actors.weights.AeronWeightPlane;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.weights.WeightPlaneSettings;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The guardian of a node that joined a training cluster ({@code aha join}). Reward actors start at once. Rollouts
 * start when the learner's node is Up: the weight plane's publisher lives there, and its host is the learner
 * member's address, so a joining node needs no address but the seed's. When the learner's node leaves the cluster
 * the run is over and this node stops.
 */
final class WorkerNode {

    private WorkerNode() {}

    /** @param run this node's settings, tokenizer and code sandbox: the node's caller closes them once it has ended */
    static Behavior<ClusterEvent.MemberEvent> create(RunResources run, ClusterNode node, WeightPlaneSettings plane) {
        return Behaviors.setup(ctx -> {
            Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(ctx.getSelf(),
                    ClusterEvent.MemberEvent.class));
            ctx.spawn(TelemetryReporter.create(), "telemetry");
            if (node.has(NodeRole.REWARD)) {
                Workers.spawnRewards(ctx, run.config(), run.rewards());
            }
            return waitingForLearner(ctx, run, node, plane);
        });
    }

    private static Behavior<ClusterEvent.MemberEvent> waitingForLearner(ActorContext<ClusterEvent.MemberEvent> ctx,
            RunResources run, ClusterNode node, WeightPlaneSettings plane) {
        return Behaviors.receive(ClusterEvent.MemberEvent.class)
                .onMessage(ClusterEvent.MemberUp.class, up -> isLearner(up.member()), up -> {
                    String learnerHost = up.member().address().getHost().orElseThrow();
                    if (!node.has(NodeRole.ROLLOUT)) {
                        return running(ctx, null);
                    }
                    WeightPlane weights = new AeronWeightPlane(plane.withHost(learnerHost), node.host(),
                            "node-" + node.port());
                    ctx.getLog().info("learner is up at {}: receiving weights from {}:{} over {}",
                            up.member().address(), learnerHost, plane.dataPort(), plane.transport());
                    Workers.spawnRollouts(ctx, run, false, weights);
                    return running(ctx, weights);
                })
                .onMessage(ClusterEvent.MemberEvent.class, e -> Behaviors.same())
                .build();
    }

    private static Behavior<ClusterEvent.MemberEvent> running(ActorContext<ClusterEvent.MemberEvent> ctx,
            WeightPlane weights) {
        return Behaviors.receive(ClusterEvent.MemberEvent.class)
                .onMessage(ClusterEvent.MemberRemoved.class, removed -> isLearner(removed.member()), removed -> {
                    ctx.getLog().info("the learner's node left the cluster: the run is over, stopping this node");
                    ctx.getSystem().terminate();
                    return Behaviors.same();
                })
                .onMessage(ClusterEvent.MemberEvent.class, e -> Behaviors.same())
                .onSignal(PostStop.class, signal -> {
                    if (weights != null) {
                        weights.close();
                    }
                    return Behaviors.same();
                })
                .build();
    }

    private static boolean isLearner(Member m) {
        return m.hasRole(NodeRole.LEARNER.roleName());
    }
}
