package dev.aha.actors.pipeline;

import dev.aha.actors.config.StalenessPolicy;
import dev.aha.actors.config.TrainSettings;
import dev.aha.actors.telemetry.Telemetry;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.VersionAdvanced;
import dev.aha.protocol.pipeline.WorkDone;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Owns the prompt stream and hands prompts out as leases to rollouts that ask with credits. It enforces
 * max-staleness at dispatch (a rollout whose replica lags the learner by more is parked until it reports a newer
 * version), bounds the leases outstanding, and re-issues the leases of rollouts that die or time out; the leases
 * themselves and the accounting of every prompt are kept by {@link Leases}. A group the learner drops as uniform
 * (dynamic sampling) closes its lease like a used one, so the next request draws a fresh prompt in its place: the
 * learner's batch fills with groups that carry signal, and the in-flight bound holds throughout.
 *
 * <p>Failure policy: a rollout that fails on a lease reports {@link LeaseFailed} and carries on; the prompt goes out
 * again, and a prompt that keeps failing (aha.train.quarantine-after) is quarantined: counted, logged, appended to
 * quarantine.jsonl with its error, and never dispatched again. The dispatcher itself is watched by the run's
 * guardian: if it fails, the run ends.
 *
 * <p>Pace ({@code aha.train.staleness = pace}, {@link LeasePacing}): a request is also held while a group leased
 * now would come back more than max-staleness versions behind the learner.
 *
 * <p>Sync mode: exactly one batch of leases per policy version, handed only to rollouts at that version; the next
 * batch waits for {@link VersionAdvanced}.
 */
public final class Dispatcher extends AbstractBehavior<DispatcherMessage> {

    public static final ServiceKey<DispatcherMessage> KEY = ServiceKey.create(DispatcherMessage.class, "aha-dispatcher");

    /** What the dispatcher sends itself, and the stats query of the learner in its JVM. */
    sealed interface Command extends DispatcherMessage.Local permits GetStats, LeaseTick, RolloutStopped, BooksTick {}

    /** Asks for the accounting so far. */
    record GetStats(ActorRef<DispatcherStats> replyTo) implements Command {}

    /** Package-private, as is {@link RolloutStopped}, so that the tests can send every message type. */
    record LeaseTick() implements Command {}

    record RolloutStopped(ActorRef<RolloutWork> rollout) implements Command {}

    /** Every second: the books go to the node's telemetry, for /metrics and the dashboard. */
    record BooksTick() implements Command {}

    private final TrainSettings settings;
    private final PromptStream prompts;
    private final PromptTemplate template;
    private final Leases<ActorRef<RolloutWork>> leases;
    private final Path quarantineFile;
    private final Map<ActorRef<RolloutWork>, RequestWork> waiting = new LinkedHashMap<>();
    private final Set<ActorRef<RolloutWork>> watched = new HashSet<>();
    private long learnerVersion;
    private int dispatchedThisVersion;
    /** aha.train.staleness = pace; null for drop. */
    private final LeasePacing pacing;

    private Dispatcher(ActorContext<DispatcherMessage> context, TrainSettings settings, PromptStream prompts,
            PromptTemplate template, long firstPromptId, long learnerVersion, Path quarantineFile) {
        super(context);
        this.settings = settings;
        this.prompts = prompts;
        this.template = template;
        this.leases = new Leases<>(settings.leaseTimeout(), firstPromptId, settings.quarantineAfter());
        this.quarantineFile = quarantineFile;
        this.learnerVersion = learnerVersion;
        this.pacing = settings.staleness() == StalenessPolicy.PACE
                ? new LeasePacing(settings.batchGroups(), settings.maxStaleness()) : null;
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
    }

    /**
     * @param firstPromptId where a resumed run's stream continues
     * @param learnerVersion the learner's version at start
     */
    public static Behavior<DispatcherMessage> create(TrainSettings settings, PromptStream prompts,
            PromptTemplate template, long firstPromptId, long learnerVersion) {
        return create(settings, prompts, template, firstPromptId, learnerVersion, null);
    }

    /** @param quarantineFile where quarantined prompts are appended as JSON Lines, or null to log them only */
    public static Behavior<DispatcherMessage> create(TrainSettings settings, PromptStream prompts,
            PromptTemplate template, long firstPromptId, long learnerVersion, Path quarantineFile) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new LeaseTick(), settings.leaseTimeout().dividedBy(4));
            timers.startTimerWithFixedDelay(new BooksTick(), java.time.Duration.ofSeconds(1));
            return new Dispatcher(ctx, settings, prompts, template, firstPromptId, learnerVersion, quarantineFile);
        }));
    }

    @Override
    public Receive<DispatcherMessage> createReceive() {
        return newReceiveBuilder()
                .onMessage(RequestWork.class, m -> checked(m, this::onRequestWork))
                .onMessage(WorkDone.class, m -> checked(m, this::onWorkDone))
                .onMessage(LeaseFailed.class, m -> checked(m, this::onLeaseFailed))
                .onMessage(VersionAdvanced.class, m -> checked(m, this::onVersionAdvanced))
                .onMessage(LeaseTick.class, t -> onLeaseTick())
                .onMessage(RolloutStopped.class, this::onRolloutStopped)
                .onMessage(GetStats.class, this::onGetStats)
                .onMessage(BooksTick.class, t -> {
                    Telemetry.get(getContext().getSystem()).dispatcher(stats());
                    return this;
                })
                .build();
    }

    private Behavior<DispatcherMessage> onRequestWork(RequestWork request) {
        if (watched.add(request.replyTo())) {
            getContext().watchWith(request.replyTo(), new RolloutStopped(request.replyTo()));
        }
        waiting.put(request.replyTo(), request); // a newer request replaces an older one (its version moved on)
        dispatch();
        return this;
    }

    private void dispatch() {
        Iterator<Map.Entry<ActorRef<RolloutWork>, RequestWork>> it = waiting.entrySet().iterator();
        while (it.hasNext()) {
            RequestWork request = it.next().getValue();
            if (!withinStaleness(request.policyVersion())) {
                continue; // parked until the rollout reports a newer version
            }
            int credits = request.credits();
            while (credits > 0 && capacity() > 0 && paced(request.policyVersion())) {
                RolloutWork work = nextWork();
                long now = System.nanoTime();
                leases.grant(work, request.replyTo(), now);
                if (pacing != null) {
                    pacing.granted(work.promptId(), now);
                }
                request.replyTo().tell(work);
                dispatchedThisVersion++;
                credits--;
            }
            if (credits == 0) {
                it.remove();
            } else {
                waiting.put(request.replyTo(), new RequestWork(request.rolloutId(), request.policyVersion(), credits,
                        request.replyTo()));
                if (capacity() <= 0) {
                    return; // out of capacity: later requests wait too
                } // held by pace: a rollout at a newer version may still be served
            }
        }
    }

    /** With pace, whether a group leased now to a rollout at that version would arrive within max-staleness. */
    private boolean paced(long rolloutVersion) {
        return pacing == null || pacing.allows(learnerVersion, rolloutVersion, leases.open());
    }

    private boolean withinStaleness(long rolloutVersion) {
        return settings.sync() ? rolloutVersion == learnerVersion
                : learnerVersion - rolloutVersion <= settings.maxStaleness();
    }

    private int capacity() {
        return settings.sync() ? settings.batchGroups() - dispatchedThisVersion
                : settings.maxInFlightGroups() - leases.open();
    }

    private RolloutWork nextWork() {
        long minVersion = Math.max(0, learnerVersion - settings.maxStaleness());
        RolloutWork again = leases.pollReissue(minVersion);
        if (again != null) {
            return again;
        }
        TaskPrompt p = prompts.next();
        return new RolloutWork(leases.takePromptId(), 0, template.render(p.question()), p.referenceAnswer(),
                settings.groupSize(), minVersion, p.reward());
    }

    /**
     * A closed lease frees its slot under max-in-flight-groups by itself. In sync mode a group dropped as uniform
     * must also give back its place in this version's batch, or the batch could never fill: a fresh prompt takes it.
     */
    private Behavior<DispatcherMessage> onWorkDone(WorkDone done) {
        RolloutWork closed = leases.close(done);
        if (pacing != null) {
            pacing.closed(done.promptId(), System.nanoTime(), done.outcome() == WorkDone.Outcome.USED);
        }
        if (settings.sync() && done.outcome() == WorkDone.Outcome.DROPPED_UNIFORM && closed != null
                && closed.minVersion() == learnerVersion) {
            dispatchedThisVersion--;
        }
        dispatch();
        return this;
    }

    /** A message from another node, handled if usable; else counted (invalid_messages_dropped) and logged. */
    private <M extends DispatcherMessage> Behavior<DispatcherMessage> checked(M m,
            Function<M, Behavior<DispatcherMessage>> handler) {
        String problem = MessageChecks.dispatcherProblem(m);
        if (problem == null) {
            return handler.apply(m);
        }
        leases.invalid();
        getContext().getLog().warn("dropped an invalid {}: {}", m.getClass().getSimpleName(), problem);
        return this;
    }

    /** The prompt goes out again (to any rollout, maybe the same) until it is quarantined. */
    private Behavior<DispatcherMessage> onLeaseFailed(LeaseFailed f) {
        getContext().getLog().warn("rollout {} failed on prompt {} (attempt {}): {}", f.rolloutId(), f.promptId(),
                f.attempt(), f.error());
        Leases.Quarantined q = leases.fail(f, watched.size());
        if (q != null) {
            getContext().getLog().warn("prompt {} quarantined after {} failure(s) on {}: kept out of the stream",
                    q.promptId(), q.failures(), q.rollouts());
            if (quarantineFile != null) {
                try (MetricsLog log = new MetricsLog(quarantineFile)) {
                    log.append(q);
                }
            }
        }
        dispatch();
        return this;
    }

    private Behavior<DispatcherMessage> onVersionAdvanced(VersionAdvanced v) {
        if (v.version() > learnerVersion) {
            learnerVersion = v.version();
            dispatchedThisVersion = 0;
            if (pacing != null) {
                pacing.stepped(System.nanoTime());
            }
        }
        dispatch();
        return this;
    }

    private Behavior<DispatcherMessage> onLeaseTick() {
        reissued(leases.expire(System.nanoTime()), "lease timed out");
        dispatch();
        if (!waiting.isEmpty()) {
            String parked = waiting.values().stream()
                    .map(r -> " " + r.rolloutId() + "@v" + r.policyVersion() + "x" + r.credits())
                    .collect(Collectors.joining());
            getContext().getLog().info("dispatcher: learner v{}, {} leases out, {} to re-issue, waiting:{}",
                    learnerVersion, leases.open(), leases.queued(), parked);
        }
        return this;
    }

    private Behavior<DispatcherMessage> onRolloutStopped(RolloutStopped stopped) {
        waiting.remove(stopped.rollout());
        watched.remove(stopped.rollout());
        reissued(leases.reissueHeldBy(stopped.rollout()), "rollout " + stopped.rollout().path().name() + " stopped");
        dispatch();
        return this;
    }

    private void reissued(List<RolloutWork> again, String why) {
        for (RolloutWork w : again) {
            getContext().getLog().info("re-issuing prompt {} (attempt {}): {}", w.promptId(), w.attempt(), why);
            if (settings.sync() && w.minVersion() == learnerVersion) {
                dispatchedThisVersion--; // its slot in this version's batch is free again (not one of an older)
            }
        }
    }

    private Behavior<DispatcherMessage> onGetStats(GetStats get) {
        get.replyTo().tell(stats());
        return this;
    }

    private DispatcherStats stats() {
        return leases.stats(learnerVersion, LostNodes.now(getContext().getSystem()));
    }
}
