package dev.aha.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.cluster.ClusterNode;
import dev.aha.actors.cluster.NodeRole;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.RunFolder;
import dev.aha.actors.run.TrainingSession;
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
        description = {"Start the seed node of a training cluster: the learner and the dispatcher (and any other",
            "roles given), then train for --minutes while rollout and reward nodes join with 'aha join'. Weights go",
            "out over the Aeron weight plane on UDP from --host. Writes summary.json (with the cluster's membership",
            "and the throughput between its changes), metrics.jsonl and checkpoints under --out."})
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

    @Option(names = "--minutes", defaultValue = "10", description = "RL wall time (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder, refused if it holds a run (default: runs/cluster, or runs/cluster-2, -3, "
                    + "... when taken; the --resume folder when resuming).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its latest checkpoint (after the seed crashed or stopped).")
    Path resume;

    @Option(names = "--init", paramLabel = "CHECKPOINT", description = "Cold-start checkpoint (from aha sft).")
    Path init;

    @Override
    public Integer call() throws Exception {
        Set<NodeRole> all = EnumSet.of(NodeRole.LEARNER, NodeRole.DISPATCHER);
        all.addAll(NodeRole.parse(roles));
        RunConfig config = run.load(Map.of());
        ClusterNode node = new ClusterNode(host, port, all, null, Bootstrap.kubernetes(bootstrap));
        Path target = out != null ? out : resume != null ? resume : RunFolder.firstFree(Path.of("runs/cluster"));
        if (resume == null && out != null) {
            RunFolder.requireFree(out);
        }
        ObjectNode summary = new TrainingSession(config,
                new TrainingSession.Options(target, minutes, resume, init, run.trainFile, run.evalFile), node).run();
        System.out.println(MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        System.err.printf("aha seed: %d steps, %d nodes joined, %d lost, %d prompts lost; written to %s%n",
                summary.get("steps").asLong(), summary.get("nodes_joined").asLong(),
                summary.get("nodes_lost").asLong(), summary.get("lost_prompts").asLong(), target.toAbsolutePath());
        return 0;
    }
}
