package dev.aha.app.cli;

import dev.aha.actors.cluster.ClusterNode;
import dev.aha.actors.cluster.NodeRole;
import dev.aha.actors.cluster.WorkerNodes;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.telemetry.NodeTelemetry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aha join}: a rollout and/or reward node that joins a training cluster and works until the run ends. */
@Command(name = "join", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Join a training cluster as a rollout and/or reward node.",
            "Joins the cluster started with 'aha seed' (--seed-node, or --bootstrap kubernetes). Rollouts receive the "
                    + "learner's weights over the Aeron weight plane (UDP) and pull work from the dispatcher; reward "
                    + "actors score groups. The node exits when the learner's node leaves (the run is over).",
            "Use the same --config as the seed: the policy and sampling settings must agree."})
public final class JoinCommand implements Callable<Integer> {

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--seed-node", paramLabel = "HOST:PORT", description = "The seed node's Artery address.")
    String seedNode;

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "kubernetes",
            description = "Find the cluster through Pekko Management bootstrap with Kubernetes API discovery.")
    String bootstrap;

    @Option(names = "--roles", required = true, paramLabel = "ROLE[,ROLE]", description = "rollout, reward or both.")
    String roles;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Interface this node binds (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "0", description = "Artery TCP port (default: any free port).")
    int port;

    @Override
    public Integer call() throws Exception {
        Set<NodeRole> parsed = NodeRole.parse(roles);
        if (parsed.contains(NodeRole.LEARNER) || parsed.contains(NodeRole.DISPATCHER)) {
            throw new IllegalArgumentException("the learner and the dispatcher run on the seed ('aha seed'); "
                    + "a joining node takes rollout and/or reward");
        }
        RunConfig config = run.load(Map.of()).requireTrainable(parsed.contains(NodeRole.ROLLOUT));
        boolean kubernetes = Bootstrap.kubernetes(bootstrap);
        if ((seedNode == null) == !kubernetes) {
            throw new IllegalArgumentException("give either --seed-node HOST:PORT or --bootstrap kubernetes");
        }
        NodeTelemetry telemetry = new NodeTelemetry();
        try (NodeEndpoint http = NodeEndpoint.open(config, telemetry, "a " + roles + " node")) {
            WorkerNodes.run(config, new ClusterNode(host, port, parsed, seedNode, kubernetes), telemetry);
        }
        return 0;
    }

    /**
     * The seed node's old spelling: elsewhere --seed N is a random seed, so here it is refused at once with the new
     * name rather than taken for an unknown option (whose HOST:PORT would then read as a stray argument).
     */
    @Option(names = "--seed", hidden = true, paramLabel = "HOST:PORT")
    void oldSeedSpelling(String address) {
        throw new ParameterException(spec.commandLine(), "the seed node is now given as --seed-node " + address
                + " (--seed N is a random seed in other commands)");
    }
}
