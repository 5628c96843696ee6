package dev.aha.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TrainingSession;
import dev.aha.actors.telemetry.NodeTelemetry;
import dev.aha.runtime.metrics.MetricsLog;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aha train}: cold start, then asynchronous GRPO in one JVM for a fixed time. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a policy with asynchronous GRPO in one JVM.",
            "The JVM is a one-node Pekko cluster on loopback. Starts from a cold-start checkpoint (--init), or makes "
                    + "one by a short SFT on the task's worked solutions; evaluates held-out pass@1 before RL and at "
                    + "the end; writes metrics.jsonl, summary.json, charts/ and checkpoints/ under --out."})
public final class TrainCommand implements Callable<Integer> {

    @Mixin
    RunOptions run = new RunOptions();

    @Mixin
    SessionOptions session = new SessionOptions();

    @Option(names = "--no-cold-start",
            description = "R1-Zero: RL straight from the initial policy, no SFT first (aha.train.cold-start.steps = 0).")
    boolean noColdStart;

    @Option(names = "--sync", description = "Synchronous mode: max-staleness 0 and a barrier each step.")
    boolean sync;

    @Option(names = "--rollouts", paramLabel = "N", description = "Rollout actors (default: aha.train.rollouts).")
    Integer rollouts;

    @Mixin
    TrainingSeed seed = new TrainingSeed();

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new HashMap<>();
        if (sync) {
            overrides.put("aha.train.sync", true);
            overrides.put("aha.train.max-staleness", 0);
        }
        if (rollouts != null) {
            overrides.put("aha.train.rollouts", rollouts);
        }
        if (noColdStart) {
            if (session.init != null || session.resume != null) {
                throw new IllegalArgumentException("--no-cold-start starts from the initial policy: it cannot go with "
                        + (session.init != null ? "--init" : "--resume"));
            }
            overrides.put("aha.train.cold-start.steps", 0);
        }
        RunConfig config = run.load(seed.over(overrides));
        Path target = session.folder(Path.of("runs/train"));
        NodeTelemetry telemetry = new NodeTelemetry();
        ObjectNode summary;
        try (NodeEndpoint http = NodeEndpoint.open(config, telemetry, "aha train into " + target)) {
            summary = new TrainingSession(config, session.options(target, run)).reportingTo(telemetry).run();
        }
        System.out.println(MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        if (summary.has("final_pass1")) {
            System.err.printf("aha train: held-out pass@1 %.3f -> %.3f in %d steps%s; written to %s%n",
                    summary.get("initial_pass1").asDouble(), summary.get("final_pass1").asDouble(),
                    summary.get("steps").asLong(), reached(summary.path("seconds_to_pass1")), target.toAbsolutePath());
        } else {
            System.err.printf("aha train: %d steps, %.2f groups/s, nothing evaluated (%s backend); written to %s%n",
                    summary.get("steps").asLong(), summary.get("groups_per_second").asDouble(),
                    summary.get("backend").asText(), target.toAbsolutePath());
        }
        return 0;
    }

    /** ", 0.7 at 312 s, 0.8 at 455 s" for the thresholds reached (seconds since the run started). */
    private static String reached(JsonNode secondsTo) {
        StringBuilder s = new StringBuilder();
        secondsTo.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                s.append(String.format(", %s at %.0f s", e.getKey(), e.getValue().asDouble()));
            }
        });
        return s.toString();
    }
}
