package dev.aha.actors.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.cluster.ArteryTls;
import dev.aha.actors.cluster.ClusterNode;
import dev.aha.actors.cluster.MembershipLog;
import dev.aha.actors.cluster.NodeRole;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.pipeline.Learner;
import dev.aha.actors.pipeline.LearnerSetup;
import dev.aha.actors.telemetry.NodeTelemetry;
import dev.aha.actors.telemetry.RunInfo;
import dev.aha.actors.telemetry.Telemetry;
import dev.aha.actors.weights.AeronWeightPlane;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run on the learner's node ({@code aha train}, {@code aha seed}): where RL starts (cold start or
 * resume), the actor pipeline for the given minutes (a one-node cluster on loopback, or the seed of a cluster), then
 * summary.json and the charts. {@link #run()} opens the run's {@link RunResources} (tokenizer, code sandbox) and
 * closes them when it returns, so what summary.json counts is this run's alone.
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

    /**
     * What the command line chose.
     *
     * @param initEval the {@code init} checkpoint's held-out figures when they were already measured with this run's
     *     evaluation settings (aha.train.eval-prompts, eval-k, seed, sampling): RL starts without measuring them
     *     again. Null: measured before RL, as always. Only with {@code init}.
     */
    public record Options(Path out, double minutes, Path resume, Path init, Path trainFile, Path evalFile,
            EvalResult initEval) {

        public Options {
            if (initEval != null && init == null) {
                throw new IllegalArgumentException("known initial figures go with an --init checkpoint");
            }
        }

        public Options(Path out, double minutes, Path resume, Path init, Path trainFile, Path evalFile) {
            this(out, minutes, resume, init, trainFile, evalFile, null);
        }
    }

    private final RunConfig config;
    private final Options options;
    private final ClusterNode node;
    private final Queue<MembershipLog.Change> membership = new ConcurrentLinkedQueue<>();
    private final boolean benchmark;
    /** No other JVM joins: the weight plane runs over IPC. A seed always publishes over UDP, whatever its address. */
    private final boolean singleJvm;
    private long pipelineStartNanos;
    private NodeTelemetry telemetry = new NodeTelemetry();
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
        this.config = config.requireTrainable(node.has(NodeRole.ROLLOUT));
        if (!singleJvm) {
            config.requireOwnReplicas("aha seed");
        }
        ArteryTls.check(config.pekko()); // before a cold start that may take minutes
        this.options = options;
        this.node = node;
        this.benchmark = benchmark;
        this.singleJvm = singleJvm;
    }

    /** The run reports its metrics and progress to {@code telemetry} (which an HTTP endpoint may serve). */
    public TrainingSession reportingTo(NodeTelemetry telemetry) {
        this.telemetry = telemetry;
        return this;
    }

    /** What the learner reported at the end of {@link #run()}. */
    public Learner.Finished finished() {
        return finished;
    }

    public ObjectNode run() {
        try (RunResources resources = RunResources.open(config)) {
            return run(resources);
        }
    }

    private ObjectNode run(RunResources resources) {
        Path out = options.out();
        Task task = TaskFactory.create(config.train().task(), config, options.trainFile(), options.evalFile());
        CheckpointStore checkpoints = new CheckpointStore(out.resolve("checkpoints"), 3)
                .describing(config.policyDescription());
        List<TaskPrompt> heldOut = List.of();
        StartingPoint start;
        if (config.simulated()) {
            LOG.warn("SIMULATED devices (aha.backend = simulated): generation and training spend modelled time; "
                    + "no policy is trained and nothing is evaluated");
            start = StartingPoint.simulated();
        } else if (benchmark) {
            start = StartingPoint.initialised(config);
        } else {
            heldOut = task.heldOut(config.train().evalPrompts());
            PromptFit.require(task, heldOut, config, resources.tokenizer());
            CheckpointStore coldStart = new CheckpointStore(out.resolve("cold-start"), 1)
                    .describing(config.policyDescription());
            start = options.resume() != null
                    ? StartingPoint.resume(config, options.resume(), coldStart, sameFolder(options.resume(), out))
                    : StartingPoint.coldStart(resources, task, options.init(), options.initEval(), coldStart,
                            heldOut, out.resolve("metrics.jsonl"));
        }
        finished = runPipeline(resources, task, start, checkpoints, heldOut);
        ObjectNode summary = RunSummary.write(out, resources, start.state(), finished, List.copyOf(membership),
                pipelineStartNanos);
        TrainingFailed.requireFiniteSteps(finished.history().size(), finished.nonFiniteSteps());
        return summary;
    }

    private static boolean sameFolder(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** The actor pipeline on this node until the learner reports the run finished. */
    private Learner.Finished runPipeline(RunResources resources, Task task, StartingPoint start,
            CheckpointStore checkpoints, List<TaskPrompt> heldOut) {
        long deadline = System.nanoTime() + (long) (options.minutes() * 60e9);
        CompletableFuture<Learner.Finished> finished = new CompletableFuture<>();
        PromptStream prompts = task.trainStream(config.train().seed());
        for (long i = 0; i < start.state().nextPromptId(); i++) {
            prompts.next(); // a resumed run continues the same stream where it stopped
        }
        WeightPlaneSettings planeSettings = weightPlane();
        try (WeightPlane weights = new AeronWeightPlane(planeSettings, node.host(), "learner")) {
            LearnerSetup setup = new LearnerSetup(resources, start.weights(), start.reference(), start.resumeFrom(),
                    start.state(), weights, checkpoints, options.out(), heldOut, deadline, sharedBase());
            pipelineStartNanos = System.nanoTime();
            telemetry.live().info(runInfo());
            ActorSystem<Learner.Finished> system = ActorSystem.create(TrainingRun.create(setup, prompts,
                    resources.rewards(), finished, node, membership), ClusterNode.SYSTEM,
                    ActorSystemSetup.create(BootstrapSetup.create(node.applyTo(config.pekko())),
                            Telemetry.setup(telemetry)));
            Telemetry.get(system); // labelled with this node's address before anything is scraped
            Cluster cluster = Cluster.get(system);
            node.join(system);
            if (singleJvm) {
                LOG.info("training for {} minutes: {} rollout(s), {} reward actor(s), G = {}, {} groups per step, "
                                + "max-staleness {}{}", options.minutes(), config.train().rollouts(),
                        config.train().rewardActors(), config.train().groupSize(), config.train().batchGroups(),
                        config.train().maxStaleness(), config.train().sync() ? " (sync)" : "");
            } else {
                LOG.info("seed node up at {} (roles {}): rollout and reward nodes join with 'aha join "
                                + "--seed-node {}:{} --roles rollout|reward'; weights go out over {} from {}:{}; "
                                + "training for {} minutes", cluster.selfMember().address(), node.roles(), node.host(),
                        cluster.selfMember().address().getPort().orElse(node.port()), planeSettings.transport(),
                        planeSettings.host(), planeSettings.dataPort(), options.minutes());
            }
            long waitSeconds = (long) (options.minutes() * 60) + 600;
            try {
                return finished.get(waitSeconds, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof TrainingFailed f ? f : new TrainingFailed("run", e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("training did not finish " + waitSeconds + " s after it started", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training", e);
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

    /**
     * Where the learner hands its frozen LoRA base to this JVM's rollouts (aha.lora.rollout-apply = shared), or null
     * when they take it from the weight plane.
     */
    private SharedBase sharedBase() {
        boolean shared = singleJvm && !config.simulated() && config.lora().enabled()
                && config.loraApply() == LoraApply.SHARED && node.has(NodeRole.ROLLOUT);
        return shared ? new SharedBase() : null;
    }

    private RunInfo runInfo() {
        var t = config.train();
        return new RunInfo(t.task(), t.sync() ? "sync" : "async", config.simulated() ? "simulated" : "torch",
                t.groupSize(), t.batchGroups(), t.maxStaleness(), options.minutes(), System.currentTimeMillis());
    }

    /** IPC within one JVM; UDP from this node's interface when other JVMs subscribe. */
    private WeightPlaneSettings weightPlane() {
        WeightPlaneSettings s = config.weights();
        if (singleJvm) {
            return s;
        }
        return s.withTransport(WeightPlaneSettings.Transport.UDP, s.dataPort(), s.controlPort()).withHost(node.host());
    }
}
