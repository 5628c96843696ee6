package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha bench overhead}: simulated devices that cost nothing, so what is measured is the runtime alone: leases
 * and credits, rollout and reward actors, advantages, the learner's batching and bookkeeping, weight versions on
 * the plane. The groups per second it carries is the ceiling the runtime puts on any cluster.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = {"SIMULATED zero-cost devices: the runtime's own groups/s.",
            "The groups per second the runtime itself carries when the devices cost nothing. Prints one JSON object."})
public final class OverheadBench implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "30", description = "Run length (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Seconds not measured (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--rollouts", defaultValue = "2", description = "Rollout actors (default ${DEFAULT-VALUE}).")
    int rollouts;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--out", defaultValue = "runs/bench/overhead", description = "Run folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > warmup) || rollouts < 1) {
            throw new IllegalArgumentException("need --seconds > --warmup and --rollouts >= 1");
        }
        Map<String, Object> o = new HashMap<>();
        o.put("aha.backend", "simulated");
        o.put("aha.simulation.decode-per-token", "0s");
        o.put("aha.simulation.prefill-per-token", "0s");
        o.put("aha.simulation.train-per-token", "0s");
        o.put("aha.simulation.weight-bytes", "64k");
        o.put("aha.train.rollouts", rollouts);
        o.put("aha.train.reward-actors", 2);
        o.put("aha.train.batch-groups", 64);
        o.put("aha.train.rollout-queue", 8);
        o.put("aha.train.max-in-flight-groups", 128);
        o.put("aha.train.max-staleness", 4);
        o.put("aha.train.checkpoint-every", 0);
        o.put("aha.train.progress-every", 1000);
        RunConfig c = PipelineBench.config(config, o);
        PipelineBench.log("overhead: zero-cost simulated devices for " + seconds + " s");
        PipelineBench.Result r = PipelineBench.run(c, seconds, warmup, out);
        ObjectNode j = new ObjectMapper().createObjectNode();
        j.put("note", "SIMULATED devices with zero modelled cost: the runtime's own ceiling");
        j.put("groups_per_second", PipelineBench.round(r.groupsPerSecond()));
        j.put("completions_per_second", PipelineBench.round(r.groupsPerSecond() * c.train().groupSize()));
        j.put("learner_steps_per_second", PipelineBench.round(r.stepsPerSecond()));
        j.put("group_size", c.train().groupSize());
        j.put("batch_groups", c.train().batchGroups());
        j.put("rollouts", rollouts);
        j.put("median_length", c.simulation().medianLength());
        j.put("weight_bytes", c.simulation().weightBytes());
        j.put("prompts_dropped_stale", r.summary().get("prompts_dropped_stale").asLong());
        j.set("sample_to_use_ms", r.summary().get("sample_to_use_ms"));
        j.put("cores", Runtime.getRuntime().availableProcessors());
        j.set("blas", BlasSection.json());
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(j));
        return 0;
    }
}
