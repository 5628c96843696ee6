package dev.aha.actors.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Records the cluster's membership as the learner's node sees it: every node that came up, became unreachable, came
 * back or was removed, with the number of reachable rollout nodes after each change. The run's summary turns the
 * journal into nodes_joined, nodes_lost and the throughput between changes.
 */
public final class MembershipLog {

    /**
     * One change.
     *
     * @param atNanos System.nanoTime() of the change
     * @param kind up, unreachable, reachable or removed
     * @param address the node
     * @param roles its roles
     * @param rolloutNodes reachable Up nodes with the rollout role after the change
     */
    public record Change(long atNanos, String kind, String address, Set<String> roles, int rolloutNodes) {}

    private MembershipLog() {}

    /** @param journal where changes go; the session reads it after the actor system has stopped */
    public static Behavior<ClusterEvent.ClusterDomainEvent> create(Queue<Change> journal) {
        return Behaviors.setup(ctx -> {
            ActorRef<ClusterEvent.ClusterDomainEvent> self = ctx.getSelf();
            Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(self.narrow(),
                    ClusterEvent.MemberEvent.class));
            Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(self.narrow(),
                    ClusterEvent.ReachabilityEvent.class));
            Set<Address> rollouts = new HashSet<>();
            Set<Address> unreachable = new HashSet<>();
            return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
                    .onMessage(ClusterEvent.MemberUp.class, e -> {
                        if (e.member().hasRole(NodeRole.ROLLOUT.roleName())) {
                            rollouts.add(e.member().address());
                        }
                        record(journal, "up", e.member(), rollouts, unreachable);
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.UnreachableMember.class, e -> {
                        unreachable.add(e.member().address());
                        record(journal, "unreachable", e.member(), rollouts, unreachable);
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.ReachableMember.class, e -> {
                        unreachable.remove(e.member().address());
                        record(journal, "reachable", e.member(), rollouts, unreachable);
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberRemoved.class, e -> {
                        rollouts.remove(e.member().address());
                        boolean wasDown = e.previousStatus() == MemberStatus.down();
                        record(journal, wasDown ? "lost" : "left", e.member(), rollouts, unreachable);
                        unreachable.remove(e.member().address());
                        return Behaviors.same();
                    })
                    .onAnyMessage(e -> Behaviors.same())
                    .build();
        });
    }

    private static void record(Queue<Change> journal, String kind, Member m, Set<Address> rollouts,
            Set<Address> unreachable) {
        int reachable = (int) rollouts.stream().filter(a -> !unreachable.contains(a)).count();
        journal.add(new Change(System.nanoTime(), kind, m.address().toString(),
                m.getRoles().stream().filter(r -> !r.startsWith("dc-")).collect(Collectors.toSet()),
                reachable));
    }

    /** Nodes that came up, and nodes removed after being downed (crashed, killed, cut off). */
    public static long count(List<Change> journal, String kind) {
        return journal.stream().filter(c -> c.kind().equals(kind)).count();
    }
}
