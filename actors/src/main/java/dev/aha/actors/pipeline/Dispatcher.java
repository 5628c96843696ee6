package dev.aha.actors.pipeline;

import dev.aha.actors.config.TrainSettings;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.VersionAdvanced;
import dev.aha.protocol.pipeline.WorkDone;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Owns the prompt stream and hands prompts out as leases to rollouts that ask with credits. It enforces
 * max-staleness at dispatch (a rollout whose replica lags the learner by more is parked until it reports a newer
 * version), bounds the leases outstanding, re-issues the leases of rollouts that die or time out, and accounts for
 * every prompt: used, dropped as stale, or still out.
 *
 * <p>Sync mode: exactly one batch of leases per policy version, handed only to rollouts at that version; the next
 * batch waits for {@link VersionAdvanced}.
 */
public final class Dispatcher extends AbstractBehavior<DispatcherMessage> {

    public static final ServiceKey<DispatcherMessage> KEY = ServiceKey.create(DispatcherMessage.class, "aha-dispatcher");

    /** What the dispatcher sends itself, and the stats query of the learner in its JVM. */
    sealed interface Command extends DispatcherMessage.Local permits GetStats, LeaseTick, RolloutStopped {}

    /** Asks for the accounting so far. */
    record GetStats(ActorRef<DispatcherStats> replyTo) implements Command {}

    private record LeaseTick() implements Command {}

    private record RolloutStopped(ActorRef<RolloutWork> rollout) implements Command {}

    private record Lease(RolloutWork work, ActorRef<RolloutWork> rollout, long deadlineNanos) {}

    private final TrainSettings settings;
    private final PromptStream prompts;
    private final PromptTemplate template;
    private final Map<Long, Lease> leases = new HashMap<>();
    private final Deque<RolloutWork> reissue = new ArrayDeque<>();
    private final Map<ActorRef<RolloutWork>, RequestWork> waiting = new LinkedHashMap<>();
    private final Map<ActorRef<RolloutWork>, Boolean> watched = new HashMap<>();
    private long nextPromptId;
    private long learnerVersion;
    private int dispatchedThisVersion;
    private long dispatched;
    private long used;
    private long droppedStale;
    private long reissued;
    private long duplicates;

    private Dispatcher(ActorContext<DispatcherMessage> context, TrainSettings settings, PromptStream prompts,
            PromptTemplate template, long firstPromptId, long learnerVersion) {
        super(context);
        this.settings = settings;
        this.prompts = prompts;
        this.template = template;
        this.nextPromptId = firstPromptId;
        this.learnerVersion = learnerVersion;
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
    }

    /**
     * @param firstPromptId where a resumed run's stream continues
     * @param learnerVersion the learner's version at start
     */
    public static Behavior<DispatcherMessage> create(TrainSettings settings, PromptStream prompts,
            PromptTemplate template, long firstPromptId, long learnerVersion) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Duration tick = settings.leaseTimeout().dividedBy(4);
            timers.startTimerWithFixedDelay(new LeaseTick(), tick);
            return new Dispatcher(ctx, settings, prompts, template, firstPromptId, learnerVersion);
        }));
    }

    @Override
    public Receive<DispatcherMessage> createReceive() {
        return newReceiveBuilder()
                .onMessage(RequestWork.class, this::onRequestWork)
                .onMessage(WorkDone.class, this::onWorkDone)
                .onMessage(VersionAdvanced.class, this::onVersionAdvanced)
                .onMessage(LeaseTick.class, t -> onLeaseTick())
                .onMessage(RolloutStopped.class, this::onRolloutStopped)
                .onMessage(GetStats.class, this::onGetStats)
                .build();
    }

    private Behavior<DispatcherMessage> onRequestWork(RequestWork request) {
        if (watched.putIfAbsent(request.replyTo(), Boolean.TRUE) == null) {
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
            while (credits > 0 && capacity() > 0) {
                RolloutWork work = nextWork();
                leases.put(work.promptId(), new Lease(work, request.replyTo(),
                        System.nanoTime() + settings.leaseTimeout().toNanos()));
                request.replyTo().tell(work);
                dispatchedThisVersion++;
                credits--;
            }
            if (credits == 0) {
                it.remove();
            } else {
                waiting.put(request.replyTo(), new RequestWork(request.rolloutId(), request.policyVersion(), credits,
                        request.replyTo()));
                return; // out of capacity: later requests wait too
            }
        }
    }

    private boolean withinStaleness(long rolloutVersion) {
        return settings.sync() ? rolloutVersion == learnerVersion
                : learnerVersion - rolloutVersion <= settings.maxStaleness();
    }

    private int capacity() {
        if (settings.sync()) {
            return settings.batchGroups() - dispatchedThisVersion;
        }
        return settings.maxInFlightGroups() - leases.size();
    }

    private RolloutWork nextWork() {
        long minVersion = Math.max(0, learnerVersion - settings.maxStaleness());
        RolloutWork again = reissue.poll();
        if (again != null) {
            return new RolloutWork(again.promptId(), again.attempt(), again.prompt(), again.referenceAnswer(),
                    again.groupSize(), minVersion);
        }
        TaskPrompt p = prompts.next();
        dispatched++;
        return new RolloutWork(nextPromptId++, 0, template.render(p.question()), p.referenceAnswer(),
                settings.groupSize(), minVersion);
    }

    private Behavior<DispatcherMessage> onWorkDone(WorkDone done) {
        Lease lease = leases.get(done.promptId());
        switch (done.outcome()) {
            case USED -> {
                used++;
                leases.remove(done.promptId()); // whichever attempt was used, the prompt is done
                reissue.removeIf(w -> w.promptId() == done.promptId());
            }
            case DROPPED_STALE -> {
                droppedStale++;
                leases.remove(done.promptId());
                reissue.removeIf(w -> w.promptId() == done.promptId());
            }
            case DUPLICATE -> {
                duplicates++;
                if (lease != null && lease.work().attempt() == done.attempt()) {
                    leases.remove(done.promptId());
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
        }
        dispatch();
        return this;
    }

    private Behavior<DispatcherMessage> onLeaseTick() {
        long now = System.nanoTime();
        List<Long> expired = new ArrayList<>();
        leases.forEach((id, lease) -> {
            if (now - lease.deadlineNanos() > 0) {
                expired.add(id);
            }
        });
        expired.forEach(id -> reissueLease(id, "lease timed out"));
        dispatch();
        if (!waiting.isEmpty()) {
            StringBuilder parked = new StringBuilder();
            waiting.values().forEach(r -> parked.append(' ').append(r.rolloutId()).append("@v")
                    .append(r.policyVersion()).append('x').append(r.credits()));
            getContext().getLog().info("dispatcher: learner v{}, {} leases out, {} to re-issue, waiting:{}",
                    learnerVersion, leases.size(), reissue.size(), parked);
        }
        return this;
    }

    private Behavior<DispatcherMessage> onRolloutStopped(RolloutStopped stopped) {
        waiting.remove(stopped.rollout());
        watched.remove(stopped.rollout());
        List<Long> theirs = new ArrayList<>();
        leases.forEach((id, lease) -> {
            if (lease.rollout().equals(stopped.rollout())) {
                theirs.add(id);
            }
        });
        theirs.forEach(id -> reissueLease(id, "rollout " + stopped.rollout().path().name() + " stopped"));
        dispatch();
        return this;
    }

    private void reissueLease(long promptId, String why) {
        Lease lease = leases.remove(promptId);
        if (lease == null) {
            return;
        }
        RolloutWork w = lease.work();
        reissue.add(new RolloutWork(w.promptId(), w.attempt() + 1, w.prompt(), w.referenceAnswer(), w.groupSize(),
                w.minVersion()));
        reissued++;
        getContext().getLog().info("re-issuing prompt {} (attempt {}): {}", promptId, w.attempt() + 1, why);
        if (settings.sync()) {
            dispatchedThisVersion--; // its slot in this version's batch is free again
        }
    }

    private Behavior<DispatcherMessage> onGetStats(GetStats get) {
        long outstanding = leases.size() + reissue.size();
        long unplaced = Math.max(0, dispatched - used - droppedStale - outstanding);
        get.replyTo().tell(new DispatcherStats(dispatched, used, droppedStale, reissued, duplicates, outstanding,
                nextPromptId, learnerVersion, heldByLostNodes() + unplaced));
        return this;
    }

    /** Leases whose rollout's node is no longer a reachable member: their prompts would be lost if the run ended. */
    private long heldByLostNodes() {
        ClusterEvent.CurrentClusterState state = Cluster.get(getContext().getSystem()).state();
        Set<Address> alive = new HashSet<>();
        state.getMembers().forEach(m -> {
            if (m.status() == MemberStatus.up()) {
                alive.add(m.address());
            }
        });
        state.getUnreachable().forEach(m -> alive.remove(m.address()));
        Address self = getContext().getSystem().address();
        return leases.values().stream().filter(l -> {
            Address a = l.rollout().path().address();
            return a.hasGlobalScope() && !alive.contains(a) || !a.hasGlobalScope() && !alive.contains(self);
        }).count();
    }
}
