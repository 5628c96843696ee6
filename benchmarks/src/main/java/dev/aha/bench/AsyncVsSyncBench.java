package dev.aha.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code aha bench async-vs-sync}: one long-tailed workload on simulated devices, run asynchronously (rollouts keep
 * sampling while the learner trains, groups up to max-staleness versions old) and synchronously (one batch per
 * version, sampled by the current policy, then a barrier), and the throughput each sustained. In sync mode a step
 * waits for the slowest group of its batch and rollouts idle while the learner trains; async pays for the overlap
 * with staleness, reported too.
 */
@Command(name = "async-vs-sync", mixinStandardHelpOptions = true,
        description = {"SIMULATED devices: async against sync GRPO, long-tailed.",
            "Both modes run the same long-tailed workload on simulated devices. Prints one JSON object."})
public final class AsyncVsSyncBench implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "60", description = "Run length of each mode (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Seconds not measured (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--rollouts", defaultValue = "4", description = "Rollouts (default ${DEFAULT-VALUE}).")
    int rollouts;

    @Option(names = "--max-staleness", defaultValue = "2", description = "Async bound (default ${DEFAULT-VALUE}).")
    int maxStaleness;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--out", defaultValue = "runs/bench/async-vs-sync", description = "Run folders.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > warmup) || rollouts < 1 || maxStaleness < 1) {
            throw new IllegalArgumentException("need --seconds > --warmup, --rollouts >= 1, --max-staleness >= 1");
        }
        PipelineBench.log("async-vs-sync: async for " + seconds + " s");
        PipelineBench.Result async = PipelineBench.run(workload(false), seconds, warmup, out.resolve("async"));
        PipelineBench.log("async-vs-sync: sync for " + seconds + " s");
        PipelineBench.Result sync = PipelineBench.run(workload(true), seconds, warmup, out.resolve("sync"));

        ObjectNode j = new ObjectMapper().createObjectNode();
        j.put("note", "SIMULATED devices: decoding and training spend modelled wall time (aha.simulation), not CPU; "
                + "actors, dispatcher, rewards and the weight plane are real");
        j.put("async_groups_per_second", PipelineBench.round(async.groupsPerSecond()));
        j.put("sync_groups_per_second", PipelineBench.round(sync.groupsPerSecond()));
        j.put("speedup", PipelineBench.round(async.groupsPerSecond() / sync.groupsPerSecond()));
        j.put("max_staleness", maxStaleness);
        j.set("async_staleness_groups", async.summary().get("staleness_groups"));
        j.put("async_mean_staleness", PipelineBench.round(meanStaleness(async.summary().get("staleness_groups"))));
        j.put("async_prompts_dropped_stale", async.summary().get("prompts_dropped_stale").asLong());
        j.set("sync_staleness_groups", sync.summary().get("staleness_groups"));
        j.put("async_learner_busy_fraction", PipelineBench.round(async.summary().get("mean_learner_busy_fraction").asDouble()));
        j.put("sync_learner_busy_fraction", PipelineBench.round(sync.summary().get("mean_learner_busy_fraction").asDouble()));
        j.put("async_rollout_busy_fraction", PipelineBench.round(async.summary().get("mean_rollout_busy_fraction").asDouble()));
        j.put("sync_rollout_busy_fraction", PipelineBench.round(sync.summary().get("mean_rollout_busy_fraction").asDouble()));
        RunConfig c = async.config();
        ObjectNode w = j.putObject("workload");
        w.put("rollouts", rollouts);
        w.put("group_size", c.train().groupSize());
        w.put("batch_groups", c.train().batchGroups());
        w.put("decode_ms_per_token", c.simulation().decodePerToken().toNanos() / 1e6);
        w.put("train_us_per_token", c.simulation().trainPerToken().toNanos() / 1e3);
        w.put("median_length", c.simulation().medianLength());
        w.put("length_sigma", c.simulation().lengthSigma());
        w.put("max_length", c.simulation().maxLength());
        w.put("seconds_per_mode", seconds);
        j.set("blas", BlasSection.json());
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(j));
        return 0;
    }

    /**
     * A long tail (length-sigma 1.0: one completion in a hundred is 10x the median) and a learner step about as
     * long as sampling a batch: the regime of R1-style reasoning traces, where the two designs differ.
     */
    private RunConfig workload(boolean syncMode) {
        Map<String, Object> o = new HashMap<>();
        o.put("aha.backend", "simulated");
        o.put("aha.simulation.length-sigma", 1.0);
        o.put("aha.simulation.max-length", 4096);
        o.put("aha.simulation.train-per-token", "40us");
        o.put("aha.train.rollouts", rollouts);
        o.put("aha.train.batch-groups", 2 * rollouts);
        o.put("aha.train.max-in-flight-groups", 4 * rollouts);
        o.put("aha.train.sync", syncMode);
        o.put("aha.train.max-staleness", syncMode ? 0 : maxStaleness);
        o.put("aha.train.checkpoint-every", 0);
        return PipelineBench.config(config, o);
    }

    private static double meanStaleness(JsonNode histogram) {
        double n = 0;
        double sum = 0;
        for (var it = histogram.fields(); it.hasNext(); ) {
            var e = it.next();
            n += e.getValue().asDouble();
            sum += Integer.parseInt(e.getKey()) * e.getValue().asDouble();
        }
        return n > 0 ? sum / n : 0;
    }
}
