package dev.aha.actors.pipeline;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** Which actors sit on nodes that are gone: whatever they hold would be lost if the run ended now. */
final class LostNodes {

    private LostNodes() {}

    /**
     * As the cluster sees it at this moment: a node is alive while it is an Up member and reachable. An actor of this
     * JVM (a local path) shares this node's fate.
     */
    static Predicate<ActorRef<?>> now(ActorSystem<?> system) {
        ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
        Set<Address> alive = new HashSet<>();
        state.getMembers().forEach(m -> {
            if (m.status() == MemberStatus.up()) {
                alive.add(m.address());
            }
        });
        state.getUnreachable().forEach(m -> alive.remove(m.address()));
        Address self = system.address();
        return actor -> {
            Address a = actor.path().address();
            return a.hasGlobalScope() && !alive.contains(a) || !a.hasGlobalScope() && !alive.contains(self);
        };
    }
}
