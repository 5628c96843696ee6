package dev.aha.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * Where this JVM sits in the Pekko cluster: the interface and port Artery binds, its roles, and the seed it joins
 * (none for the seed itself, which joins itself). The single-JVM run is a node with every role on 127.0.0.1.
 *
 * @param host the interface Artery binds and advertises (loopback by default; a pod IP on Kubernetes)
 * @param port Artery's TCP port (0 = any free port)
 * @param roles what this node hosts
 * @param seed "host:port" of the seed to join, or null for the seed itself
 * @param kubernetesBootstrap find the other nodes through the Kubernetes API (Pekko Management cluster bootstrap)
 *     instead of a seed address
 */
public record ClusterNode(String host, int port, Set<NodeRole> roles, String seed, boolean kubernetesBootstrap) {

    /** Name of the actor system on every node: nodes of one cluster must agree on it. */
    public static final String SYSTEM = "aha";

    public ClusterNode {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
        }
        if (seed != null && !seed.matches("[^:\\s]+:\\d{1,5}")) {
            throw new IllegalArgumentException("--seed must be HOST:PORT, was '" + seed + "'");
        }
    }

    /** Every role in one JVM on loopback: aha train. */
    public static ClusterNode singleJvm() {
        return new ClusterNode("127.0.0.1", 0, NodeRole.all(), null, false);
    }

    public boolean has(NodeRole role) {
        return roles.contains(role);
    }

    /** The node that holds the learner: it joins itself (or, with bootstrap, may form the cluster). */
    public boolean isSeed() {
        return seed == null && roles.contains(NodeRole.LEARNER);
    }

    /**
     * Joins the cluster: itself if it is the seed, else the configured seed-nodes (retried until the seed is up);
     * with Kubernetes bootstrap, starts Pekko Management and lets the bootstrap find the contact points.
     */
    public void join(ActorSystem<?> system) {
        if (kubernetesBootstrap) {
            org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
            PekkoManagement.get(classic).start();
            ClusterBootstrap.get(classic).start();
        } else if (seed == null) {
            Cluster cluster = Cluster.get(system);
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
        // otherwise pekko.cluster.seed-nodes joins the seed
    }

    /** The Pekko settings of this node, layered over {@code base}. */
    public Config applyTo(Config base) {
        Map<String, Object> o = new HashMap<>();
        o.put("pekko.remote.artery.canonical.hostname", host);
        o.put("pekko.remote.artery.canonical.port", port);
        o.put("pekko.cluster.roles", roles.stream().map(NodeRole::roleName).sorted().collect(Collectors.toList()));
        if (seed != null) {
            o.put("pekko.cluster.seed-nodes", List.of("pekko://" + SYSTEM + "@" + seed));
        }
        return ConfigFactory.parseMap(o).withFallback(base).resolve();
    }
}
