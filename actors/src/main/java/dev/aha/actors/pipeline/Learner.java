package dev.aha.actors.pipeline;

import dev.aha.actors.config.RunConfig;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.LearnerMessage;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.protocol.pipeline.VersionAdvanced;
import dev.aha.protocol.pipeline.WorkDone;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.backend.PolicyTrainer;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.StepMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The one learner: buffers scored groups, drops those that lag more than max-staleness versions (and late
 * duplicates of re-issued prompts), and when a batch is full takes a GRPO step, bumps the version and publishes the
 * new weights on the weight plane. It writes metrics every step, checkpoints every N steps, evaluates on the
 * held-out split every K steps, and finishes at its deadline.
 *
 * <p>Runs on a pinned dispatcher: the step blocks its own thread.
 */
public final class Learner extends AbstractBehavior<LearnerMessage> {

    public static final ServiceKey<LearnerMessage> KEY = ServiceKey.create(LearnerMessage.class, "aha-learner");

    /**
     * Sent to the parent when training is over, after the final evaluation and checkpoint. {@code finalEval} is null
     * where the backend has no policy to evaluate (a simulation).
     */
    public record Finished(RunState state, EvalResult finalEval, List<StepMetrics> history,
            List<EvalRecord> evals, DispatcherStats dispatcherStats, long lateDuplicates, long rewardFailures,
            Timings timings) {}

    /**
     * Latencies and staleness over the whole segment: weight sync (publish of a version until a rollout's node holds
     * it verified), sample to use (a group finished until the step that trained on it), in microseconds; and the
     * staleness (learner version - sampling version) of every used group.
     */
    public record Timings(Histogram weightSyncMicros, Histogram sampleToUseMicros, SortedMap<Integer, Long> staleness) {}

    /** One held-out evaluation at a step. */
    public record EvalRecord(long step, long version, EvalResult result) {}

    /** What the learner sends itself: listings, its deadline, the dispatcher's final stats. */
    private sealed interface Command extends LearnerMessage.Local permits DispatchersFound, Deadline, FinalStats {}

    private record DispatchersFound(Receptionist.Listing listing) implements Command {}

    private record Deadline() implements Command {}

    private record FinalStats(DispatcherStats stats, EvalResult finalEval) implements Command {}

    /** Prompt ids remembered for duplicate detection; re-issues happen long before this many newer prompts. */
    private static final int USED_IDS_KEPT = 1_000_000;

    private final LearnerSetup setup;
    private final RunConfig config;
    private final ActorRef<Finished> parent;
    private final PolicyTrainer device;
    private final MetricsLog metrics;
    private final List<ScoredGroup> buffer = new ArrayList<>();
    private final LinkedHashSet<Long> usedPromptIds = new LinkedHashSet<>();
    private final List<StepMetrics> history = new ArrayList<>();
    private final List<EvalRecord> evals = new ArrayList<>();
    private final long segmentStartNanos = System.nanoTime();
    private ActorRef<DispatcherMessage> dispatcher;
    private long step;
    private long version;
    private long used;
    private long droppedStale;
    private long duplicates;
    private long maxPromptIdSeen = -1;
    private long rewardFailures;
    private boolean finishing;
    private long lastStepNanos = System.nanoTime();
    private long busyNanos;
    private long sampledTokensSinceStep;
    private long samplingNanosTotal;
    private long learnerBusyNanosTotal;
    private final SortedMap<Integer, Long> stalenessSinceStep = new TreeMap<>();
    private final SortedMap<Integer, Long> stalenessTotal = new TreeMap<>();
    private final Histogram weightSyncMicros = new Histogram(3_600_000_000L, 3);
    private final Histogram sampleToUseMicros = new Histogram(3_600_000_000L, 3);
    /** Publish time of recent versions, and per rollout the newest version whose sync is recorded. */
    private final Map<Long, Long> publishedMicros = new HashMap<>();
    private final Map<String, Long> syncRecordedUpTo = new HashMap<>();

    private Learner(ActorContext<LearnerMessage> context, LearnerSetup setup, ActorRef<Finished> parent) {
        super(context);
        this.setup = setup;
        this.config = setup.config();
        this.parent = parent;
        this.device = Backends.trainer(setup); // on this actor's pinned thread: DJL state is per thread
        this.metrics = new MetricsLog(setup.outDir().resolve("metrics.jsonl"));
        this.step = setup.state().step();
        this.version = setup.state().version();
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, DispatchersFound::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(Dispatcher.KEY, listings));
        publish(); // rollouts start from the learner's current version
    }

    public static Behavior<LearnerMessage> create(LearnerSetup setup, ActorRef<Finished> parent) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            long left = Math.max(0, setup.deadlineNanos() - System.nanoTime());
            timers.startSingleTimer(new Deadline(), java.time.Duration.ofNanos(left));
            return new Learner(ctx, setup, parent);
        }));
    }

    @Override
    public Receive<LearnerMessage> createReceive() {
        return newReceiveBuilder()
                .onMessage(DispatchersFound.class, this::onDispatchers)
                .onMessage(ScoredGroup.class, this::onScored)
                .onMessage(Deadline.class, d -> finish())
                .onMessage(FinalStats.class, this::onFinalStats)
                .onSignal(PostStop.class, s -> onStop())
                .build();
    }

    private Behavior<LearnerMessage> onDispatchers(DispatchersFound found) {
        dispatcher = found.listing().getServiceInstances(Dispatcher.KEY).stream().findFirst().orElse(null);
        if (dispatcher != null) {
            dispatcher.tell(new VersionAdvanced(step, version));
        }
        return this;
    }

    private Behavior<LearnerMessage> onScored(ScoredGroup scored) {
        SampledGroup g = scored.group();
        maxPromptIdSeen = Math.max(maxPromptIdSeen, g.promptId());
        // throughput counts every group that arrived, used or not: it is what the rollouts produced
        sampledTokensSinceStep += g.completionTokens();
        samplingNanosTotal += g.samplingNanos();
        rewardFailures += scored.rewardFailures();
        if (finishing) {
            return this; // arrived after the deadline: neither used nor dropped; the stats say it was outstanding
        }
        if (usedPromptIds.contains(g.promptId()) || buffered(g.promptId())) {
            duplicates++;
            done(g, WorkDone.Outcome.DUPLICATE);
            return this;
        }
        long lag = version - g.policyVersion();
        if (lag > config.train().maxStaleness()) {
            droppedStale++;
            done(g, WorkDone.Outcome.DROPPED_STALE);
            return this;
        }
        buffer.add(scored);
        if (buffer.size() >= config.train().batchGroups()) {
            takeStep();
            if (System.nanoTime() - setup.deadlineNanos() >= 0) {
                return finish();
            }
        }
        return this;
    }

    /**
     * Sample-to-use for every used group; weight sync once per rollout and version, the first time a rollout's
     * group shows a newer version than any recorded for it (a map bounded by the rollouts, not by the run), for
     * versions this segment published after its first (a replica's first version measures its joining, not a sync).
     */
    private void recordLatencies(SampledGroup g, long nowMicros) {
        sampleToUseMicros.recordValue(clamp(nowMicros - g.sampledAtMicros()));
        Long published = publishedMicros.get(g.policyVersion());
        if (published != null && g.policyVersion() > setup.state().version()
                && g.policyVersion() > syncRecordedUpTo.getOrDefault(g.rolloutId(), -1L)) {
            syncRecordedUpTo.put(g.rolloutId(), g.policyVersion());
            weightSyncMicros.recordValue(clamp(g.weightsReceivedMicros() - published));
        }
    }

    /** Into the histograms' range (clocks of two nodes may disagree by a little: never below 0). */
    private static long clamp(long micros) {
        return Math.max(0, Math.min(3_600_000_000L, micros));
    }

    private boolean buffered(long promptId) {
        for (ScoredGroup s : buffer) {
            if (s.group().promptId() == promptId) {
                return true;
            }
        }
        return false;
    }

    private void takeStep() {
        long start = System.nanoTime();
        List<GrpoSample> samples = new ArrayList<>();
        double rewardSum = 0;
        double rewardSquares = 0;
        double accuracy = 0;
        double format = 0;
        long tokens = 0;
        int completions = 0;
        long nowMicros = WallClock.micros();
        for (ScoredGroup s : buffer) {
            SampledGroup g = s.group();
            int lag = (int) (version - g.policyVersion());
            stalenessSinceStep.merge(lag, (long) g.groupSize(), Long::sum);
            stalenessTotal.merge(lag, 1L, Long::sum);
            recordLatencies(g, nowMicros);
            for (int i = 0; i < g.groupSize(); i++) {
                samples.add(new GrpoSample(g.promptTokens(), g.completions()[i], g.behaviourLogProbs()[i],
                        s.advantages()[i]));
                rewardSum += s.rewards()[i];
                rewardSquares += s.rewards()[i] * s.rewards()[i];
                accuracy += s.accuracy()[i];
                format += s.format()[i];
                tokens += g.completions()[i].length;
                completions++;
            }
        }
        GrpoUpdateResult result = device.update(samples);
        step++;
        version++;
        publish();
        long now = System.nanoTime();
        busyNanos = now - start;
        learnerBusyNanosTotal += busyNanos;
        for (ScoredGroup s : buffer) {
            usedPromptIds.add(s.group().promptId());
            done(s.group(), WorkDone.Outcome.USED);
        }
        while (usedPromptIds.size() > USED_IDS_KEPT) {
            usedPromptIds.remove(usedPromptIds.iterator().next());
        }
        used += buffer.size();
        int groups = buffer.size();
        buffer.clear();
        if (dispatcher != null) {
            dispatcher.tell(new VersionAdvanced(step, version));
        }

        double interval = (now - lastStepNanos) / 1e9;
        double mean = rewardSum / completions;
        StepMetrics m = new StepMetrics(step, version, wallSeconds(), mean,
                Math.sqrt(Math.max(0, rewardSquares / completions - mean * mean)), accuracy / completions,
                format / completions, result.diagnostics().meanKl(), result.diagnostics().clipFractionLow(),
                result.diagnostics().clipFractionHigh(), result.diagnostics().meanRatio(), result.loss(),
                result.gradNorm(), (double) tokens / completions, new TreeMap<>(stalenessSinceStep),
                groups / interval, sampledTokensSinceStep / interval, busyFraction(learnerBusyNanosTotal, 1),
                busyFraction(samplingNanosTotal, Math.max(1, config.train().rollouts())));
        metrics.append(m);
        history.add(m);
        if (step % config.train().progressEvery() == 0) {
            getContext().getLog().info(progressLine(m));
        }
        stalenessSinceStep.clear();
        sampledTokensSinceStep = 0;
        lastStepNanos = now;

        int every = config.train().checkpointEvery();
        if (every > 0 && step % every == 0) {
            checkpoint();
        }
        int evalEvery = config.train().evalEvery();
        if (evalEvery > 0 && step % evalEvery == 0) {
            evaluate();
        }
    }

    /**
     * Busy time over wall time since this segment started, per actor: a group's sampling time arrives with the
     * group, after the fact, so a per-step ratio would swing above 1 when several groups land in one interval.
     */
    private double busyFraction(long busyNanos, int actors) {
        double wall = (System.nanoTime() - segmentStartNanos) * (double) actors;
        return wall > 0 ? Math.min(1.0, busyNanos / wall) : 0;
    }

    private static String progressLine(StepMetrics m) {
        return String.format("step %d v%d | reward %.3f acc %.3f fmt %.3f | KL %.4f clip %.3f/%.3f | len %.1f | "
                        + "%.0f tok/s %.2f groups/s | learner %.0f%% rollout %.0f%% | staleness %s | %.0fs",
                m.step(), m.version(), m.rewardMean(), m.accuracy(), m.formatRate(), m.kl(), m.clipFractionLow(),
                m.clipFractionHigh(), m.responseLength(), m.generatedTokensPerSecond(), m.groupsPerSecond(),
                100 * m.learnerBusyFraction(), 100 * m.rolloutBusyFraction(), m.stalenessHistogram(),
                m.wallSeconds());
    }

    private void done(SampledGroup g, WorkDone.Outcome outcome) {
        if (dispatcher != null) {
            dispatcher.tell(new WorkDone(g.promptId(), g.attempt(), outcome));
        }
    }

    private void publish() {
        FlatWeights weights = device.exportWeights();
        publishedMicros.put(version, WallClock.micros());
        publishedMicros.remove(version - 64); // older versions are far beyond any staleness bound
        setup.weights().publish(version, weights);
    }

    private double wallSeconds() {
        return setup.state().wallSeconds() + (System.nanoTime() - segmentStartNanos) / 1e9;
    }

    private RunState state(long nextPromptId, long dispatched) {
        RunState s = setup.state();
        return new RunState(step, version, nextPromptId, dispatched, s.promptsUsed() + used,
                s.promptsDroppedStale() + droppedStale, wallSeconds(), s.initialPass1());
    }

    /**
     * A mid-run checkpoint continues the prompt stream after the newest prompt the learner has seen; prompts still
     * out at that moment count as never dispatched if the run is resumed from here. The final checkpoint has the
     * dispatcher's exact cursor.
     */
    private void checkpoint() {
        long cursor = Math.max(setup.state().nextPromptId(), maxPromptIdSeen + 1);
        long dispatchedBefore = setup.state().promptsDispatched() + (cursor - setup.state().nextPromptId());
        device.checkpoint(setup.checkpoints(), step, state(cursor, dispatchedBefore).toJson());
    }

    /** A held-out evaluation, or null where the backend has no policy to evaluate (a simulation). */
    private EvalResult evaluate() {
        if (setup.heldOut().isEmpty()) {
            return null; // a benchmark run: no held-out set
        }
        long start = System.nanoTime();
        EvalResult r = device.evaluate(setup.heldOut()).orElse(null);
        if (r == null) {
            return null;
        }
        evals.add(new EvalRecord(step, version, r));
        metrics.append(new EvalLine(step, version, r));
        getContext().getLog().info(String.format("eval at step %d: pass@1 %.3f greedy %.3f cons@%d %.3f format %.3f "
                + "(%d prompts, %.0fs)", step, r.pass1(), r.greedyAccuracy(), r.k(), r.consK(), r.formatRate(),
                r.prompts(), (System.nanoTime() - start) / 1e9));
        return r;
    }

    /** An evaluation line in metrics.jsonl, told apart from step lines by its "eval" key. */
    public record EvalLine(long step, long version, EvalResult eval) {}

    private Behavior<LearnerMessage> finish() {
        if (finishing) {
            return this;
        }
        finishing = true;
        getContext().getLog().info("deadline reached after {} steps: final evaluation and checkpoint", step);
        EvalResult last = evaluate();
        if (dispatcher == null) {
            return onFinalStats(new FinalStats(DispatcherStats.none(setup.state().nextPromptId(), version), last));
        }
        getContext().ask(DispatcherStats.class, dispatcher, java.time.Duration.ofSeconds(30), Dispatcher.GetStats::new,
                (stats, failure) -> new FinalStats(stats != null ? stats : DispatcherStats.none(
                        Math.max(setup.state().nextPromptId(), maxPromptIdSeen + 1), version), last));
        return this;
    }

    /** The final checkpoint carries the dispatcher's exact cursor, so a resumed run continues the stream. */
    private Behavior<LearnerMessage> onFinalStats(FinalStats f) {
        RunState s = setup.state();
        RunState end = new RunState(step, version, f.stats().nextPromptId(),
                s.promptsDispatched() + f.stats().dispatched(), s.promptsUsed() + used,
                s.promptsDroppedStale() + droppedStale, wallSeconds(), s.initialPass1());
        device.checkpoint(setup.checkpoints(), step, end.toJson());
        parent.tell(new Finished(end, f.finalEval(), List.copyOf(history), List.copyOf(evals), f.stats(), duplicates,
                rewardFailures, new Timings(weightSyncMicros.copy(), sampleToUseMicros.copy(),
                        new TreeMap<>(stalenessTotal))));
        return Behaviors.stopped();
    }

    private Behavior<LearnerMessage> onStop() {
        metrics.close();
        device.close();
        return this;
    }
}
