package dev.aha.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.cluster.ClusterNode;
import dev.aha.actors.cluster.NodeRole;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TrainingSession;
import dev.aha.actors.telemetry.NodeTelemetry;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aha seed}: the seed node of a training cluster, with the learner and the dispatcher; it runs the training. */
@Command(name = "seed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start a training cluster's seed node and train on it.",
            "The seed node holds the learner and the dispatcher (and any other roles given) and trains for --minutes "
                    + "while rollout and reward nodes join with 'aha join'. Weights go out over the Aeron weight "
                    + "plane on UDP from --host. Writes summary.json (with the cluster's membership and the "
                    + "throughput between its changes), metrics.jsonl and checkpoints under --out."})
public final class SeedCommand implements Callable<Integer> {

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Interface Artery and the weight plane bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "25520", description = "Artery TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--roles", defaultValue = "learner,dispatcher", paramLabel = "ROLE[,ROLE]",
            description = "Roles of this node; learner and dispatcher are always included (default: ${DEFAULT-VALUE}).")
    String roles;

    @Option(names = "--bootstrap", paramLabel = "kubernetes",
            description = "Form the cluster through Pekko Management bootstrap with Kubernetes API discovery.")
    String bootstrap;

    @Mixin
    SessionOptions session = new SessionOptions();

    @Override
    public Integer call() throws Exception {
        Set<NodeRole> all = EnumSet.of(NodeRole.LEARNER, NodeRole.DISPATCHER);
        all.addAll(NodeRole.parse(roles));
        RunConfig config = run.load(Map.of());
        ClusterNode node = new ClusterNode(host, port, all, null, Bootstrap.kubernetes(bootstrap));
        Path target = session.folder(Path.of("runs/cluster"));
        NodeTelemetry telemetry = new NodeTelemetry();
        ObjectNode summary;
        try (NodeEndpoint http = NodeEndpoint.open(config, telemetry, "the seed, run into " + target)) {
            summary = new TrainingSession(config, session.options(target, run), node).reportingTo(telemetry).run();
        }
        System.out.println(MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        System.err.printf("aha seed: %d steps, %d nodes joined, %d lost, %d prompts lost; written to %s%n",
                summary.get("steps").asLong(), summary.get("nodes_joined").asLong(),
                summary.get("nodes_lost").asLong(), summary.get("lost_prompts").asLong(), target.toAbsolutePath());
        return 0;
    }
}
