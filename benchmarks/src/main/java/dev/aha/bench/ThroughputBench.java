package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aha bench throughput}: the real pipeline (the configured backend, policy and task) for a fixed time in one
 * JVM, from a freshly initialised policy, and what it sustained: groups, tokens and learner steps per second, busy
 * fractions, weight-sync and sample-to-use latencies (HdrHistogram), and the staleness of the groups it used.
 * With the torch backend, also the pipeline's efficiency: the rollouts' sampling rate inside the pipeline (tokens
 * over the time spent sampling them) against the same sampling alone in a tight loop ({@link SamplingAlone}).
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = {"Throughput of the real pipeline in one JVM.",
            "Runs the pipeline for a fixed time, then the rollout's sampling alone. Prints one JSON object."})
public final class ThroughputBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "60", description = "How long to run (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "10",
            description = "Seconds not measured at the start (default ${DEFAULT-VALUE}).")
    double warmup;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--backend", paramLabel = "torch|simulated", description = "Override aha.backend.")
    String backend;

    @Option(names = "--out", defaultValue = "runs/bench/throughput", description = "Run folder (metrics.jsonl).")
    Path out;

    @Option(names = "--alone-seconds", defaultValue = "15",
            description = "How long the rollout's sampling runs alone, after the pipeline (default ${DEFAULT-VALUE}).")
    double aloneSeconds;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > warmup) || warmup < 0 || !(aloneSeconds > 0)) {
            throw new IllegalArgumentException("--seconds must exceed --warmup (>= 0); --alone-seconds must be positive");
        }
        Map<String, Object> o = new HashMap<>();
        if (backend != null) {
            o.put("aha.backend", backend);
        }
        RunConfig c = PipelineBench.config(config, o);
        PipelineBench.log("throughput: " + seconds + " s, backend " + c.backend() + ", " + c.train().rollouts()
                + " rollout(s)");
        PipelineBench.Result r = PipelineBench.run(c, seconds, warmup, out);
        ObjectNode s = r.summary();
        ObjectNode j = new ObjectMapper().createObjectNode();
        j.put("backend", s.get("backend").asText());
        if (c.simulated()) {
            j.set("simulation", s.get("simulation"));
        }
        j.put("seconds", seconds);
        j.put("steps_measured", r.stepsMeasured());
        j.put("groups_per_second", PipelineBench.round(r.groupsPerSecond()));
        j.put("sampled_tokens_per_second", PipelineBench.round(r.sampledTokensPerSecond()));
        j.put("used_tokens_per_second", PipelineBench.round(r.usedTokensPerSecond()));
        j.put("learner_steps_per_second", PipelineBench.round(r.stepsPerSecond()));
        j.put("learner_busy_fraction", PipelineBench.round(s.get("mean_learner_busy_fraction").asDouble()));
        j.put("rollout_busy_fraction", PipelineBench.round(s.get("mean_rollout_busy_fraction").asDouble()));
        j.set("weight_sync_ms", s.get("weight_sync_ms"));
        j.set("sample_to_use_ms", s.get("sample_to_use_ms"));
        j.set("staleness_groups", s.get("staleness_groups"));
        j.put("prompts_dropped_stale", s.get("prompts_dropped_stale").asLong());
        if (!c.simulated()) {
            PipelineBench.log("the same rollout sampling alone for " + aloneSeconds + " s...");
            double inside = r.samplingTokensPerSecond();
            double warm = Math.min(3, aloneSeconds / 4);
            double alone = SamplingAlone.tokensPerSecond(c, out, aloneSeconds, warm);
            PipelineBench.log("and alone again beside the learner's GRPO steps in a loop for " + aloneSeconds + " s...");
            double beside;
            double learnerSteps;
            try (LearnerLoad learner = new LearnerLoad(c)) {
                beside = SamplingAlone.tokensPerSecond(c, out, aloneSeconds, warm);
                learnerSteps = learner.steps() / aloneSeconds;
            }
            ObjectNode rate = j.putObject("rollout_sampling_tokens_per_second");
            rate.put("in_pipeline", PipelineBench.round(inside));
            rate.put("alone", PipelineBench.round(alone));
            rate.put("alone_beside_a_learner", PipelineBench.round(beside));
            j.put("pipeline_efficiency", PipelineBench.round(inside / alone));
            // Where the difference goes: sharing the cores with the learner's compute (no actors, no weight swaps),
            // and the rest, the actors and weight swaps themselves.
            ObjectNode parts = j.putObject("pipeline_efficiency_parts");
            parts.put("learner_contention", PipelineBench.round(beside / alone));
            parts.put("actors_and_weight_swaps", PipelineBench.round(inside / beside));
            parts.put("learner_load_steps_per_second", PipelineBench.round(learnerSteps));
        }
        ObjectNode settings = j.putObject("settings");
        settings.put("rollouts", c.train().rollouts());
        settings.put("group_size", c.train().groupSize());
        settings.put("batch_groups", c.train().batchGroups());
        settings.put("max_staleness", c.train().maxStaleness());
        settings.put("cores", Runtime.getRuntime().availableProcessors());
        j.set("blas", BlasSection.json());
        spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(j));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
