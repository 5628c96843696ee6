package dev.aha.actors.pipeline;

import dev.aha.actors.config.TrainSettings;
import dev.aha.actors.telemetry.LearnerTelemetry;
import dev.aha.actors.telemetry.Telemetry;
import dev.aha.protocol.pipeline.LearnerMessage;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.protocol.pipeline.WorkDone;
import dev.aha.protocol.util.LogThrottle;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.backend.PolicyTrainer;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.metrics.LearnerMetrics;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.StepMetrics;
import dev.aha.runtime.metrics.UniformDrops;
import dev.aha.runtime.policy.lora.SharedBase;
import java.time.Duration;
import java.util.List;
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
 * The one learner: drops scored groups that lag more than max-staleness versions (and late duplicates of re-issued
 * prompts, and, with dynamic sampling, groups whose rewards are all equal), and when a batch is full takes a GRPO
 * step, bumps the version and publishes the new weights on the weight plane (under LoRA: the base once, then the
 * adapters alone). It writes a metrics line every step, checkpoints every N steps, evaluates on the held-out split
 * every K steps, and finishes at its deadline (or at aha.train.max-steps, whichever comes first) with a last
 * evaluation and a checkpoint carrying the dispatcher's cursor.
 *
 * <p>A stale or uniform group it drops closes its lease at the dispatcher, which sends a fresh prompt in its place
 * (an invalid one's lease times out and is re-issued). When every group comes back uniform (a policy that solves
 * everything, or nothing) no step comes: the learner then writes a {@link UniformDrops.Line} to metrics.jsonl for
 * every batch-groups groups dropped in a row (and logs a warning at most every 10 s), and the run goes on until its
 * deadline, which it meets as always (final evaluation, checkpoint, summary).
 *
 * <p>Runs on a pinned dispatcher: the step blocks its own thread. Failure policy: it is watched by the run's
 * guardian, and anything it throws ends the run at once with the cause; its last steps are checkpointed as it stops
 * (unless it failed mid-update).
 */
public final class Learner extends AbstractBehavior<LearnerMessage> {

    public static final ServiceKey<LearnerMessage> KEY = ServiceKey.create(LearnerMessage.class, "aha-learner");

    /** To the parent after the final evaluation (null in a simulation: no policy) and checkpoint. */
    public record Finished(RunState state, EvalResult finalEval, List<StepMetrics> history,
            List<EvalRecord> evals, DispatcherStats dispatcherStats, long lateDuplicates, long rewardFailures,
            long invalidGroups, long nonFiniteSteps, long optimizerSkippedSteps, long groupsDroppedUniform,
            LearnerMetrics.Timings timings, LearnerMetrics.Tokens tokens, HardShare hardShare) {}

    /** What the learner sends itself: listings, its deadline, the dispatcher's final stats. */
    private sealed interface Command extends LearnerMessage.Local permits DispatchersFound, Deadline, FinalStats {}

    private record DispatchersFound(Receptionist.Listing listing) implements Command {}

    private record Deadline() implements Command {}

    private record FinalStats(DispatcherStats stats, EvalResult finalEval) implements Command {}

    private final LearnerSetup setup;
    private final TrainSettings settings;
    private final ActorRef<Finished> parent;
    private final PolicyTrainer trainer;
    private final Publications publications;
    private final MetricsLog metricsLog;
    private final LearnerMetrics metrics;
    private final GroupIntake intake;
    private final HeldOutEvaluations evaluations;
    private final DispatcherLink dispatcher = new DispatcherLink();
    private final LearnerTelemetry telemetry;
    private long step;
    private long version;
    private long used;
    private long maxPromptIdSeen = -1;
    private long rewardFailures;
    private boolean finishing;
    /** A step's update in progress: the policy and its optimiser may be half-written. */
    private boolean updating;
    private long checkpointed;
    /** A stall on uniform groups is warned of this often at most: its lines in metrics.jsonl come every batch. */
    private final LogThrottle stallWarnings = new LogThrottle(Duration.ofSeconds(10));

    private Learner(ActorContext<LearnerMessage> context, LearnerSetup setup, ActorRef<Finished> parent) {
        super(context);
        this.setup = setup;
        this.settings = setup.config().train();
        this.parent = parent;
        this.trainer = builtTrainer(setup); // on this actor's pinned thread: DJL state is per thread
        this.publications = new Publications(trainer, setup.weights(), setup.sharedBase() != null);
        this.metricsLog = new MetricsLog(setup.outDir().resolve("metrics.jsonl"));
        this.telemetry = Telemetry.get(context.getSystem()).learner(setup.state().version());
        this.metrics = new LearnerMetrics(setup.state().version(), setup.state().wallSeconds(), System::nanoTime)
                .onWeightSync(telemetry::weightSynced);
        this.intake = GroupIntake.of(setup.config());
        this.evaluations = new HeldOutEvaluations(trainer, setup.heldOut(), metricsLog, context.getLog(), telemetry);
        this.step = setup.state().step();
        this.checkpointed = step;
        this.version = setup.state().version();
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, DispatchersFound::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(Dispatcher.KEY, listings));
        publish(); // rollouts start from the learner's current version
    }

    /**
     * The learner's trainer; under a shared base, offered to this JVM's rollouts (which wait for it), or their wait
     * failed if the trainer cannot be built.
     */
    private static PolicyTrainer builtTrainer(LearnerSetup setup) {
        PolicyTrainer built;
        try {
            built = Backends.trainer(setup);
        } catch (RuntimeException e) {
            if (setup.sharedBase() != null) {
                setup.sharedBase().fail(e);
            }
            throw e;
        }
        if (setup.sharedBase() != null) {
            SharedBase.Offer base = built.frozenBase().orElseThrow(() -> new IllegalStateException(
                    "aha.lora.rollout-apply = shared, but the learner holds no frozen LoRA base"));
            setup.sharedBase().offer(base.base(), base.sha256());
        }
        // The trainer holds its own policy now (under LoRA its base, maybe narrowed). The starting images would stay
        // in direct memory for the whole run otherwise: a model's size in float32, collected by no quiet heap.
        release(setup.initialWeights());
        release(setup.referenceWeights());
        return built;
    }

    private static void release(FlatWeights image) {
        if (image != null && image.ownsMemory()) {
            image.release();
        }
    }

    public static Behavior<LearnerMessage> create(LearnerSetup setup, ActorRef<Finished> parent) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            long left = Math.max(0, setup.deadlineNanos() - System.nanoTime());
            long maxSteps = setup.config().train().maxSteps();
            if (maxSteps > 0 && setup.state().step() >= maxSteps) {
                left = 0; // a resumed run that already took its steps: the final evaluation and checkpoint only
            }
            timers.startSingleTimer(new Deadline(), Duration.ofNanos(left));
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
        dispatcher.found(found.listing(), step, version);
        return this;
    }

    private Behavior<LearnerMessage> onScored(ScoredGroup scored) {
        if (finishing) {
            return this; // arrived after the deadline: neither used nor dropped; the stats say it was outstanding
        }
        GroupIntake.Verdict verdict = intake.offer(scored, version);
        telemetry.received(scored, verdict.name());
        if (verdict == GroupIntake.Verdict.INVALID) { // counted; its lease times out and is re-issued
            getContext().getLog().warn("dropped an invalid group from another node: {}", intake.lastProblem());
            return this;
        }
        SampledGroup g = scored.group();
        maxPromptIdSeen = Math.max(maxPromptIdSeen, g.promptId());
        metrics.arrived(g);
        rewardFailures += scored.rewardFailures();
        switch (verdict) {
            case DUPLICATE -> dispatcher.done(g, WorkDone.Outcome.DUPLICATE);
            case STALE -> dispatcher.done(g, WorkDone.Outcome.DROPPED_STALE);
            case UNIFORM -> droppedUniform(scored);
            case BATCH_FULL -> {
                takeStep();
                if (System.nanoTime() - setup.deadlineNanos() >= 0 || stepsDone()) {
                    return finish();
                }
            }
            default -> { }
        }
        return this;
    }

    /**
     * The dispatcher replaces the group with a fresh prompt. A batch's worth dropped in a row without a step gets a
     * metrics line of its own, and a warning at most every 10 s, so a run stuck on uniform groups is seen.
     */
    private void droppedUniform(ScoredGroup scored) {
        dispatcher.done(scored.group(), WorkDone.Outcome.DROPPED_UNIFORM);
        long inARow = metrics.droppedUniform(scored);
        if (inARow % settings.batchGroups() == 0) {
            UniformDrops drops = metrics.uniformDrops();
            metricsLog.append(new UniformDrops.Line(step, version, metrics.wallSeconds(), drops));
            if (stallWarnings.admit(System.nanoTime()) >= 0) {
                getContext().getLog().warn(drops.describe());
            }
        }
    }

    private void takeStep() {
        long start = System.nanoTime();
        long nowMicros = WallClock.micros();
        List<ScoredGroup> groups = intake.take();
        List<GrpoSample> samples = GroupIntake.samples(groups, setup.config().grpo().overlong().filter(), version);
        updating = true;
        if (samples.isEmpty()) { // the trainer makes no update: its line says loss 0, grad norm 0, all masked
            getContext().getLog().warn("step {}: every completion of the batch was cut at the length cap and "
                    + "overlong filtering masks them all: no update", step + 1);
        }
        GrpoUpdateResult result = trainer.update(samples);
        updating = false;
        long trainedAt = version;
        step++;
        version++;
        publish();
        groups.forEach(s -> dispatcher.done(s.group(), WorkDone.Outcome.USED));
        used += groups.size();
        dispatcher.versionAdvanced(step, version);
        StepMetrics m = metrics.step(step, version, trainedAt, groups, result, System.nanoTime() - start, nowMicros);
        metricsLog.append(m);
        telemetry.stepped(m, groups, trainedAt, nowMicros);
        if (step % settings.progressEvery() == 0) {
            getContext().getLog().info(LearnerMetrics.progressLine(m));
        }
        if (settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0) {
            checkpoint();
        }
        if (settings.evalEvery() > 0 && step % settings.evalEvery() == 0) {
            evaluations.at(step, version, runSeconds(), settings.evalEveryK(), settings.evalEveryPrompts(), true);
        }
    }

    private boolean stepsDone() {
        return settings.maxSteps() > 0 && step >= settings.maxSteps();
    }

    private double runSeconds() {
        return setup.state().runSeconds(metrics.wallSeconds());
    }

    private void publish() {
        metrics.published(version, WallClock.micros());
        publications.publish(version);
    }

    private RunState state(long nextPromptId, long dispatchedThisSegment) {
        return setup.state().continued(step, version, nextPromptId, dispatchedThisSegment, used, intake.stale(),
                metrics.wallSeconds());
    }

    /**
     * A mid-run checkpoint continues the prompt stream after the newest prompt the learner has seen; prompts still
     * out at that moment count as never dispatched if the run is resumed from here. The final checkpoint has the
     * dispatcher's exact cursor.
     */
    private void checkpoint() {
        RunState state = state(cursor(), cursor() - setup.state().nextPromptId());
        trainer.checkpoint(setup.checkpoints(), step, state.toJson());
        checkpointed = step;
    }

    /** After the newest prompt the learner has seen: where a resume continues when the dispatcher cannot say. */
    private long cursor() {
        return Math.max(setup.state().nextPromptId(), maxPromptIdSeen + 1);
    }

    private Behavior<LearnerMessage> finish() {
        if (finishing) {
            return this;
        }
        finishing = true;
        getContext().getLog().info("{} reached after {} steps: final evaluation and checkpoint",
                stepsDone() ? "max-steps" : "deadline", step);
        if (metrics.uniformDrops().groups() >= settings.batchGroups()) { // a stall, not the few before a step
            getContext().getLog().warn("at the deadline: {}", metrics.uniformDrops().describe());
        }
        EvalResult last = evaluations.at(step, version, runSeconds(), settings.evalK(), Integer.MAX_VALUE, false);
        if (dispatcher.ref() == null) {
            return onFinalStats(new FinalStats(DispatcherStats.none(setup.state().nextPromptId(), version), last));
        }
        getContext().ask(DispatcherStats.class, dispatcher.ref(), Duration.ofSeconds(30), Dispatcher.GetStats::new,
                (stats, failure) -> new FinalStats(stats != null ? stats : DispatcherStats.none(cursor(), version),
                        last));
        return this;
    }

    /** The final checkpoint carries the dispatcher's exact cursor, so a resumed run continues the stream. */
    private Behavior<LearnerMessage> onFinalStats(FinalStats f) {
        RunState end = state(f.stats().nextPromptId(), f.stats().dispatched());
        trainer.checkpoint(setup.checkpoints(), step, end.toJson());
        checkpointed = step;
        parent.tell(new Finished(end, f.finalEval(), metrics.history(), evaluations.done(), f.stats(),
                intake.duplicates(), rewardFailures, intake.invalid(), metrics.nonFiniteSteps(),
                metrics.optimizerSkippedSteps(), metrics.groupsDroppedUniform(), metrics.timings(), metrics.tokens(),
                intake.hardShare()));
        return Behaviors.stopped();
    }

    /** After a failure too: the steps since the last checkpoint are saved, unless it came mid-update. */
    private Behavior<LearnerMessage> onStop() {
        try {
            if (!updating && step > checkpointed) {
                checkpoint();
                getContext().getLog().info("checkpoint of step {} written as the learner stops", step);
            }
        } catch (RuntimeException e) {
            getContext().getLog().error("no last checkpoint: {}", e.toString());
        } finally {
            metricsLog.close();
            trainer.close();
        }
        return this;
    }
}
