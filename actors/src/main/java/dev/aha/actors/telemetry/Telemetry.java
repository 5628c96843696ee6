package dev.aha.actors.telemetry;

import org.apache.pekko.actor.setup.Setup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's {@link NodeTelemetry} as an extension of its actor system, so every actor finds it without it being
 * threaded through their constructors. A command that serves the metrics over HTTP hands its own instance in with
 * {@link #setup}; any other system (tests, benchmarks) gets a fresh one nobody reads.
 */
public final class Telemetry extends ExtensionId<NodeTelemetry> {

    private static final Telemetry ID = new Telemetry();

    /** Carries a command's telemetry into the actor system it creates. */
    public static final class Given extends Setup {
        final NodeTelemetry telemetry;

        Given(NodeTelemetry telemetry) {
            this.telemetry = telemetry;
        }
    }

    private Telemetry() {}

    public static Given setup(NodeTelemetry telemetry) {
        return new Given(telemetry);
    }

    public static NodeTelemetry get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    @Override
    public NodeTelemetry createExtension(ActorSystem<?> system) {
        NodeTelemetry t = system.settings().setup().get(Given.class).map(g -> g.telemetry)
                .orElseGet(NodeTelemetry::new);
        String node = system.address().getHost().orElse("local") + ":" + system.address().getPort().orElse(0);
        if (system.settings().config().getString("pekko.actor.provider").equals("cluster")) {
            Cluster cluster = Cluster.get(system);
            t.bind(node, cluster.selfMember().getRoles(), () -> Members.of(cluster.state()));
        } else {
            t.bind(node, java.util.Set.of(), java.util.List::of);
        }
        return t;
    }
}
