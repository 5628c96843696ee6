package dev.aha.actors.cluster;

import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.actors.telemetry.NodeTelemetry;
import dev.aha.actors.telemetry.Telemetry;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a joining node ({@code aha join}) until the run ends or the process is told to stop. */
public final class WorkerNodes {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerNodes.class);

    private WorkerNodes() {}

    /** Blocks until this node's actor system terminates: the learner left, this node was downed, or SIGTERM. */
    public static void run(RunConfig config, ClusterNode node) throws InterruptedException {
        run(config, node, new NodeTelemetry());
    }

    /** The same, reporting the node's metrics to {@code telemetry} (which an HTTP endpoint may serve). */
    public static void run(RunConfig config, ClusterNode node, NodeTelemetry telemetry) throws InterruptedException {
        if (node.seed() == null && !node.kubernetesBootstrap()) {
            throw new IllegalArgumentException("a joining node needs --seed-node HOST:PORT or --bootstrap kubernetes");
        }
        ArteryTls.check(config.pekko());
        config.requireOwnReplicas("aha join");
        WeightPlaneSettings base = config.weights();
        WeightPlaneSettings plane = base.withTransport(WeightPlaneSettings.Transport.UDP, base.dataPort(),
                base.controlPort());
        try (RunResources run = RunResources.open(config)) {
            ActorSystem<?> system = ActorSystem.create(WorkerNode.create(run, node, plane), ClusterNode.SYSTEM,
                    ActorSystemSetup.create(BootstrapSetup.create(node.applyTo(config.pekko())),
                            Telemetry.setup(telemetry)));
            Telemetry.get(system);
            node.join(system);
            LOG.info("node {} (roles {}{}) joining {}", Cluster.get(system).selfMember().address(), node.roles(),
                    config.simulated() ? ", SIMULATED devices" : "",
                    node.kubernetesBootstrap() ? "through Kubernetes bootstrap" : "the seed at " + node.seed());
            system.getWhenTerminated().toCompletableFuture().join();
            if (run.codeOutcomes() != null) { // the seed's summary counts only its own reward actors' programs
                LOG.info("programs this node's reward actors ran: {}", run.codeOutcomes());
            }
        }
        LOG.info("node stopped");
    }
}
