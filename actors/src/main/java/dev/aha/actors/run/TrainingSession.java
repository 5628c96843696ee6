package dev.aha.actors.run;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.cluster.ClusterNode;
import dev.aha.actors.cluster.MembershipLog;
import dev.aha.actors.cluster.MembershipThroughput;
import dev.aha.actors.cluster.NodeRole;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.pipeline.Learner;
import dev.aha.actors.pipeline.LearnerSetup;
import dev.aha.actors.pipeline.RunState;
import dev.aha.actors.weights.AeronWeightPlane;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.eval.Evaluator;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.StepMetrics;
import dev.aha.runtime.metrics.TrainingCharts;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.sft.SftLoop;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code aha train} in one JVM: cold start (or resume), the held-out evaluation before RL, the actor pipeline
 * as a one-node cluster on loopback for the given minutes, then summary.json and the charts.
 *
 * <pre>
 *   OUT/cold-start/     the SFT checkpoint RL starts from (and the KL reference)
 *   OUT/checkpoints/    RL checkpoints; latest is what --resume continues
 *   OUT/metrics.jsonl   one line per learner step, and one per evaluation
 *   OUT/summary.json    the run's figures
 *   OUT/charts/         reward, accuracy, KL and response length against step
 * </pre>
 */
public final class TrainingSession {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSession.class);

    /** What the command line chose. */
    public record Options(Path out, double minutes, Path resume, Path init, Path trainFile, Path evalFile) {}

    private final RunConfig config;
    private final Options options;
    private final ClusterNode node;
    private final Queue<MembershipLog.Change> membership = new ConcurrentLinkedQueue<>();
    private final boolean benchmark;
    /** No other JVM joins: the weight plane runs over IPC. A seed always publishes over UDP, whatever its address. */
    private final boolean singleJvm;
    private long pipelineStartNanos;
    private Learner.Finished finished;

    /** Every role in this JVM (aha train). */
    public TrainingSession(RunConfig config, Options options) {
        this(config, options, ClusterNode.singleJvm(), false, true);
    }

    /** The learner's node of a cluster (aha seed): rollout and reward nodes join it. */
    public TrainingSession(RunConfig config, Options options, ClusterNode node) {
        this(config, options, node, false, false);
    }

    /**
     * A run for the benchmark harness, in one JVM: the pipeline alone for {@code minutes}, from a freshly initialised
     * policy (or simulated devices), without cold start or evaluations. {@link #finished()} has its timings.
     */
    public static TrainingSession benchmark(RunConfig config, double minutes, Path out) {
        return new TrainingSession(config, new Options(out, minutes, null, null, null, null), ClusterNode.singleJvm(),
                true, true);
    }

    private TrainingSession(RunConfig config, Options options, ClusterNode node, boolean benchmark,
            boolean singleJvm) {
        if (!(options.minutes() > 0)) {
            throw new IllegalArgumentException("--minutes must be positive, was " + options.minutes());
        }
        if (!node.isSeed() || !node.has(NodeRole.LEARNER) || !node.has(NodeRole.DISPATCHER)) {
            throw new IllegalArgumentException("a training session runs on the seed, with the learner and dispatcher");
        }
        if (config.simulated() && (options.resume() != null || options.init() != null)) {
            throw new IllegalArgumentException("a simulated run has no policy: --resume and --init do not apply");
        }
        this.config = config;
        this.options = options;
        this.node = node;
        this.benchmark = benchmark;
        this.singleJvm = singleJvm;
    }

    /** What the learner reported at the end of {@link #run()}. */
    public Learner.Finished finished() {
        return finished;
    }

    public ObjectNode run() {
        Path out = options.out();
        Task task = TaskFactory.create(config.train().task(), config, options.trainFile(), options.evalFile());
        CheckpointStore checkpoints = new CheckpointStore(out.resolve("checkpoints"), 3)
                .describing(config.policyDescription());
        if (config.simulated() || benchmark) {
            if (config.simulated()) {
                LOG.warn("SIMULATED devices (aha.backend = simulated): generation and training spend modelled time; "
                        + "no policy is trained and nothing is evaluated");
            }
            RunState state = new RunState(0, 0, 0, 0, 0, 0, 0, Double.NaN);
            FlatWeights initial = config.simulated() ? null : initialisedWeights();
            finished = runPipeline(task, state, null, initial, initial, checkpoints, List.of());
            return writeSummary(out, state, finished);
        }
        ComputeThreads.prepare(1);
        List<TaskPrompt> heldOut = task.heldOut(config.train().evalPrompts());
        CheckpointStore coldStartStore = new CheckpointStore(out.resolve("cold-start"), 1)
                .describing(config.policyDescription());

        try (NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = config.policy().create(manager)) {
            RunState state;
            Path resumeFrom = null;
            FlatWeights reference;
            if (options.resume() != null) {
                CheckpointStore previous = new CheckpointStore(options.resume().resolve("checkpoints"), 3);
                resumeFrom = previous.latest().orElseThrow(() -> new IllegalArgumentException(
                        "nothing to resume in " + options.resume() + ": no checkpoints/latest"));
                state = RunState.fromJson(CheckpointStore.load(resumeFrom, policy, null));
                Path cold = new CheckpointStore(options.resume().resolve("cold-start"), 1).latest()
                        .orElseThrow(() -> new IllegalArgumentException("no cold-start checkpoint in " + options.resume()));
                reference = weightsOf(cold, manager);
                if (!options.resume().toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                    copyColdStart(cold, coldStartStore);
                }
                LOG.info("resuming from {}: step {}, version {}", resumeFrom, state.step(), state.version());
            } else {
                coldStart(task, policy, coldStartStore);
                reference = policy.exportWeights();
                EvalResult initial = evaluate(policy, heldOut, "cold-start policy");
                state = new RunState(0, 0, 0, 0, 0, 0, 0, initial.pass1());
                try (MetricsLog log = new MetricsLog(out.resolve("metrics.jsonl"))) {
                    log.append(new Learner.EvalLine(0, 0, initial));
                }
            }
            FlatWeights initialWeights = policy.exportWeights();
            finished = runPipeline(task, state, resumeFrom, initialWeights, reference, checkpoints, heldOut);
            return writeSummary(out, state, finished);
        }
    }

    private void coldStart(Task task, Policy policy, CheckpointStore store) {
        if (options.init() != null) {
            CheckpointStore.load(CheckpointStore.resolve(options.init()), policy, null);
            LOG.info("cold start from {}", options.init());
        } else {
            int steps = config.train().coldStartSteps();
            LOG.info("cold start: {} SFT steps on the task's worked solutions (batch {})", steps,
                    config.train().coldStartBatchSize());
            try (ProgressBar bar = progressBar("cold-start SFT", steps)) {
                float loss = SftLoop.run(policy, config.tokenizer(), config.template(),
                        task.trainStream(config.train().seed() + 99), steps, config.train().coldStartBatchSize(),
                        AdamWSettings.defaults(config.train().coldStartLearningRate()), config.train().logitsBudget(),
                        p -> {
                            bar.step();
                            bar.setExtraMessage(String.format("loss %.3f", p.loss()));
                        });
                LOG.info("cold start done: SFT loss {}", String.format("%.4f", loss));
            }
        }
        store.savePolicy(0, policy, new RunState(0, 0, 0, 0, 0, 0, 0, -1).toJson());
    }

    private EvalResult evaluate(Policy policy, List<TaskPrompt> heldOut, String what) {
        ComputeThreads.stopRecording();
        Evaluator evaluator = new Evaluator(policy, config.tokenizer(), config.template(), config.sampling(),
                config.train().evalK(), config.train().seed() + 17);
        EvalResult r;
        try (ProgressBar bar = progressBar("eval " + what, heldOut.size())) {
            r = evaluator.evaluate(heldOut, done -> bar.stepTo(done));
        }
        LOG.info(String.format("%s: held-out pass@1 %.3f, greedy %.3f, cons@%d %.3f, format %.3f on %d prompts", what,
                r.pass1(), r.greedyAccuracy(), r.k(), r.consK(), r.formatRate(), r.prompts()));
        return r;
    }

    private Learner.Finished runPipeline(Task task, RunState state, Path resumeFrom, FlatWeights initialWeights,
            FlatWeights reference, CheckpointStore checkpoints, List<TaskPrompt> heldOut) {
        long deadline = System.nanoTime() + (long) (options.minutes() * 60e9);
        CompletableFuture<Learner.Finished> finished = new CompletableFuture<>();
        dev.aha.runtime.task.PromptStream prompts = task.trainStream(config.train().seed());
        for (long i = 0; i < state.nextPromptId(); i++) {
            prompts.next(); // a resumed run continues the same stream where it stopped
        }
        WeightPlaneSettings planeSettings = weightPlane();
        try (WeightPlane weights = new AeronWeightPlane(planeSettings, node.host(), "learner")) {
            LearnerSetup setup = new LearnerSetup(config, initialWeights, reference, resumeFrom, state, weights,
                    checkpoints, options.out(), heldOut, deadline);
            pipelineStartNanos = System.nanoTime();
            ActorSystem<Learner.Finished> system = ActorSystem.create(TrainingRun.create(setup, prompts,
                    config.reward().compose(), finished, node, membership), ClusterNode.SYSTEM,
                    node.applyTo(config.raw()));
            Cluster cluster = Cluster.get(system);
            node.join(system);
            if (singleJvm) {
                LOG.info("training for {} minutes: {} rollout(s), {} reward actor(s), G = {}, {} groups per step, "
                                + "max-staleness {}{}", options.minutes(), config.train().rollouts(),
                        config.train().rewardActors(), config.train().groupSize(), config.train().batchGroups(),
                        config.train().maxStaleness(), config.train().sync() ? " (sync)" : "");
            } else {
                LOG.info("seed node up at {} (roles {}): rollout and reward nodes join with "
                                + "'aha join --seed {}:{} --roles rollout|reward'; weights go out over {} from {}:{}; "
                                + "training for {} minutes", cluster.selfMember().address(), node.roles(), node.host(),
                        cluster.selfMember().address().getPort().orElse(node.port()), planeSettings.transport(),
                        planeSettings.host(), planeSettings.dataPort(), options.minutes());
            }
            try {
                long waitSeconds = (long) (options.minutes() * 60) + 600;
                return finished.get(waitSeconds, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("training did not finish: " + e, e);
            } finally {
                system.terminate();
                try {
                    system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("actor system did not terminate cleanly", e);
                }
            }
        }
    }

    /** IPC within one JVM; UDP from this node's interface when other JVMs subscribe. */
    private WeightPlaneSettings weightPlane() {
        WeightPlaneSettings s = WeightPlaneSettings.fromConfig(config.raw().getConfig("aha.weights"));
        if (singleJvm) {
            return s;
        }
        return s.withTransport(WeightPlaneSettings.Transport.UDP, s.dataPort(), s.controlPort()).withHost(node.host());
    }

    private ObjectNode writeSummary(Path out, RunState start, Learner.Finished f) {
        RunState end = f.state();
        ObjectNode s = MetricsLog.JSON.createObjectNode();
        s.put("task", config.train().task());
        s.put("mode", config.train().sync() ? "sync" : "async");
        s.put("backend", config.simulated() ? "simulated" : "torch");
        if (config.simulated()) {
            ObjectNode sim = s.putObject("simulation");
            sim.put("note", "SIMULATED devices: generation and training spend modelled wall time; no policy is "
                    + "trained; actors, dispatcher, rewards and the weight plane are real");
            sim.put("decode_ms_per_token", config.simulation().decodePerToken().toNanos() / 1e6);
            sim.put("train_ms_per_token", config.simulation().trainPerToken().toNanos() / 1e6);
            sim.put("median_length", config.simulation().medianLength());
            sim.put("length_sigma", config.simulation().lengthSigma());
            sim.put("weight_bytes", config.simulation().weightBytes());
        }
        if (f.finalEval() != null) {
            s.put("initial_pass1", end.initialPass1());
            s.put("final_pass1", f.finalEval().pass1());
            s.put("pass1_gain", f.finalEval().pass1() - end.initialPass1());
            s.put("final_greedy_accuracy", f.finalEval().greedyAccuracy());
            s.put("final_cons_at_k", f.finalEval().consK());
            s.put("final_format_rate", f.finalEval().formatRate());
            s.put("eval_prompts", f.finalEval().prompts());
            s.put("eval_k", f.finalEval().k());
        }
        s.put("steps", end.step());
        s.put("version", end.version());
        s.put("wall_seconds", end.wallSeconds());
        s.put("prompts_dispatched", end.promptsDispatched());
        s.put("prompts_used", end.promptsUsed());
        s.put("prompts_dropped_stale", end.promptsDroppedStale());
        s.put("prompts_outstanding_at_end", f.dispatcherStats().outstanding());
        s.put("prompts_reissued", f.dispatcherStats().reissued());
        s.put("lost_prompts", f.dispatcherStats().lost());
        s.put("late_duplicates", f.lateDuplicates());
        s.put("reward_failures", f.rewardFailures());
        List<StepMetrics> segment = f.history();
        double rlSeconds = end.wallSeconds() - start.wallSeconds();
        long groups = end.promptsUsed() - start.promptsUsed();
        s.put("groups_per_second", rlSeconds > 0 ? groups / rlSeconds : 0);
        s.put("mean_generated_tokens_per_second",
                segment.stream().mapToDouble(StepMetrics::generatedTokensPerSecond).average().orElse(0));
        s.put("mean_learner_busy_fraction",
                segment.stream().mapToDouble(StepMetrics::learnerBusyFraction).average().orElse(0));
        s.put("mean_rollout_busy_fraction",
                segment.stream().mapToDouble(StepMetrics::rolloutBusyFraction).average().orElse(0));
        ObjectNode settings = s.putObject("settings");
        settings.put("group_size", config.train().groupSize());
        settings.put("batch_groups", config.train().batchGroups());
        settings.put("rollouts", config.train().rollouts());
        settings.put("max_staleness", config.train().maxStaleness());
        settings.put("beta", config.grpo().beta());
        settings.put("aggregation", config.grpo().aggregation().name());
        settings.put("learning_rate", config.optimizer().learningRate());
        Learner.Timings t = f.timings();
        s.put("learner_steps_per_second", rlSeconds > 0 ? (end.step() - start.step()) / rlSeconds : 0);
        putLatency(s.putObject("weight_sync_ms"), t.weightSyncMicros());
        putLatency(s.putObject("sample_to_use_ms"), t.sampleToUseMicros());
        ObjectNode staleness = s.putObject("staleness_groups");
        t.staleness().forEach((lag, n) -> staleness.put(String.valueOf(lag), n));
        List<MembershipLog.Change> changes = List.copyOf(membership);
        s.put("nodes_joined", MembershipLog.count(changes, "up"));
        s.put("nodes_lost", MembershipLog.count(changes, "lost"));
        MembershipThroughput.write(s, changes, segment, pipelineStartNanos, start.wallSeconds(),
                config.train().batchGroups());
        ArrayNode evals = s.putArray("evals");
        for (Learner.EvalRecord e : f.evals()) {
            evals.addObject().put("step", e.step()).put("pass1", e.result().pass1())
                    .put("greedy_accuracy", e.result().greedyAccuracy()).put("cons_at_k", e.result().consK());
        }
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("summary.json"), MetricsLog.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(s));
            if (f.finalEval() == null) {
                return s; // a simulation has no reward or accuracy curves worth drawing
            }
            List<StepMetrics> all = readSteps(out.resolve("metrics.jsonl"));
            List<TrainingCharts.EvalPoint> points = new ArrayList<>();
            points.add(new TrainingCharts.EvalPoint(0, end.initialPass1()));
            f.evals().forEach(e -> points.add(new TrainingCharts.EvalPoint(e.step(), e.result().pass1())));
            TrainingCharts.write(out.resolve("charts"), "aha train " + config.train().task(), all, points);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the summary into " + out, e);
        }
        return s;
    }

    private static void putLatency(ObjectNode o, org.HdrHistogram.Histogram h) {
        o.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            o.put("p50", h.getValueAtPercentile(50) / 1000.0);
            o.put("p99", h.getValueAtPercentile(99) / 1000.0);
            o.put("max", h.getMaxValue() / 1000.0);
        }
    }

    /** Every step line of metrics.jsonl, this segment's and those of the runs it resumed. */
    private static List<StepMetrics> readSteps(Path metrics) throws IOException {
        List<StepMetrics> steps = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            var node = MetricsLog.JSON.readTree(line);
            if (!node.has("eval")) {
                steps.add(MetricsLog.JSON.treeToValue(node, StepMetrics.class));
            }
        }
        return steps;
    }

    /** A freshly initialised policy's weights (aha.policy.init-seed). */
    private FlatWeights initialisedWeights() {
        ComputeThreads.prepare(1);
        try (NDManager scope = NDManager.newBaseManager(config.devices().learner());
                Policy p = config.policy().create(scope)) {
            return p.exportWeights();
        }
    }

    /** Loads a checkpoint into a throwaway policy to read its flat weights. */
    private FlatWeights weightsOf(Path checkpoint, NDManager manager) {
        try (NDManager scope = manager.newSubManager();
                Policy p = config.policy().blank(scope)) {
            CheckpointStore.load(checkpoint, p, null);
            return p.exportWeights();
        }
    }

    private void copyColdStart(Path cold, CheckpointStore target) {
        try (NDManager scope = NDManager.newBaseManager(config.devices().learner());
                Policy p = config.policy().blank(scope)) {
            CheckpointStore.load(cold, p, null);
            target.savePolicy(0, p, new RunState(0, 0, 0, 0, 0, 0, 0, -1).toJson());
        }
    }

    static ProgressBar progressBar(String task, long max) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500)
                .build();
    }

}
