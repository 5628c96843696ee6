package dev.aha.actors.pipeline;

import dev.aha.actors.config.RunResources;
import dev.aha.actors.config.TrainSettings;
import dev.aha.actors.telemetry.RolloutTelemetry;
import dev.aha.actors.telemetry.Telemetry;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RewardMessage;
import dev.aha.protocol.pipeline.RolloutMessage;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.weights.WeightSnapshot;
import dev.aha.runtime.agent.Episodes;
import dev.aha.runtime.backend.RolloutEngine;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.Routers;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * One inference device: a policy replica at some version whose engine decodes many sequences at once. It admits
 * leased prompts as G sequences each while slots are free, runs one batched decode step per {@link Step} message,
 * and streams each group to the reward pool the moment its last sequence ends: no barrier across prompts. New
 * weights apply between decode steps, to sequences in flight ({@code aha.rollout.in-flight-updates = on}), or once
 * the engine has drained (off: admission pauses so it drains). Under LoRA the replica takes the base once (when the
 * engine is idle) and then each version's adapters; it samples nothing before both are in, and refuses, with one
 * line, adapters of another base or layout. Its credits to the dispatcher are the groups that fit its free slots plus
 * {@code aha.train.rollout-queue} waiting beyond them, so a freed slot is refilled without a round trip.
 *
 * <p>Runs on a pinned dispatcher: each step blocks its own thread, never Pekko's default dispatcher; one step is one
 * message, so weight swaps and new leases interleave between steps.
 *
 * <p>Failure policy: a prompt that cannot be admitted (the tokenizer or the prefill throws) is reported to the
 * dispatcher as {@link LeaseFailed} and the rollout carries on; a decode step that throws fails every group in
 * flight the same way (the engine drops them all) and the rollout carries on with new leases. The dispatcher
 * re-issues or quarantines the prompts. Anything that escapes (a failure in setup or a weight swap) stops this
 * rollout: the dispatcher watches it and re-issues its leases to the others.
 */
public final class Rollout extends AbstractBehavior<RolloutMessage> {

    /** What a rollout sends itself: snapshots from the plane's thread, its next step, listings. */
    private sealed interface Command extends RolloutMessage.Local permits WeightsReady, Step, ListingFound {}

    /** A complete snapshot is ready (from the weight plane's thread; read-only, shared with the node's rollouts). */
    private record WeightsReady(WeightSnapshot snapshot, long receivedMicros) implements Command {}

    private record Step() implements Command {}

    /** A Receptionist listing of the dispatcher or of the reward actors (one adapter serves both keys). */
    private record ListingFound(Receptionist.Listing listing) implements Command {}

    private final String id;
    private final RolloutTelemetry telemetry;
    private final TrainSettings settings;
    private final boolean inFlightUpdates;
    private final Tokenizer tokenizer;
    /** Where an agent task's episodes open; null for single-turn tasks. */
    private final Episodes episodes;
    private final FirstEpisodes firstEpisodes;
    private final RolloutEngine engine;
    private final Random rng;
    private final ActorRef<RewardMessage> rewards;
    private final Deque<RolloutWork> waiting = new ArrayDeque<>();
    private final InFlightGroups inFlight = new InFlightGroups();
    private final VersionArrivals arrivals = new VersionArrivals();
    private final AutoCloseable subscription;
    private ActorRef<DispatcherMessage> dispatcher;
    /** What arrived and is not yet swapped in. */
    private final PendingWeights pending = new PendingWeights();
    private long version = -1;
    private boolean stepQueued;
    private boolean rewardsKnown;
    /** What the last request for work said, so an unchanged request is not sent again every step. */
    private long askedAtHeld = -1;
    private long askedAtVersion = -1;

    private Rollout(ActorContext<RolloutMessage> context, String id, RunResources run, WeightPlane weights,
            long seed, int threads, Supplier<RolloutEngine> engineOnThisThread) {
        super(context);
        this.telemetry = Telemetry.get(context.getSystem()).rollout();
        this.id = id;
        this.settings = run.config().train();
        this.inFlightUpdates = run.config().rollout().inFlightUpdates();
        this.tokenizer = run.tokenizer();
        this.episodes = run.episodes();
        this.firstEpisodes = new FirstEpisodes(id, tokenizer, context.getLog());
        // on this actor's pinned thread: DJL state is per thread
        this.engine = engineOnThisThread.get();
        this.rng = new Random(seed);
        this.rewards = context.spawn(Routers.group(Reward.KEY).withRoundRobinRouting(), "rewards");
        ActorRef<RolloutMessage> self = context.getSelf();
        this.subscription = weights.subscribe(id, engine.weightBytes(), engine.adapterBytes(),
                s -> self.tell(new WeightsReady(s, WallClock.micros())));
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, ListingFound::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(Dispatcher.KEY, listings));
        // The reward router drops what it cannot route: take no work before a reward actor is known.
        context.getSystem().receptionist().tell(Receptionist.subscribe(Reward.KEY, listings));
        context.getLog().info("{}: {} sequence slots, {} compute thread(s), in-flight weight updates {}", id,
                engine.maxSequences(), threads, inFlightUpdates ? "on" : "off");
    }

    /**
     * @param run the run's settings and tokenizer
     * @param seed this rollout's own RNG seed, so runs are reproducible per rollout
     * @param threads libtorch intra-op threads of its compute thread
     */
    public static Behavior<RolloutMessage> create(String id, RunResources run, WeightPlane weights, long seed,
            int threads) {
        return create(id, run, weights, seed, threads, (SharedBase) null);
    }

    /** The same, decoding over the learner's own base when {@code sharedBase} is given (it waits for it). */
    public static Behavior<RolloutMessage> create(String id, RunResources run, WeightPlane weights, long seed,
            int threads, SharedBase sharedBase) {
        return create(id, run, weights, seed, threads,
                () -> Backends.engine(run.config(), run.tokenizer(), threads, sharedBase));
    }

    /** The same with the engine {@code engine} makes on the actor's thread (tests wrap the real one). */
    static Behavior<RolloutMessage> create(String id, RunResources run, WeightPlane weights, long seed, int threads,
            Supplier<RolloutEngine> engine) {
        return Behaviors.setup(ctx -> new Rollout(ctx, id, run, weights, seed, threads, engine));
    }

    @Override
    public Receive<RolloutMessage> createReceive() {
        return newReceiveBuilder()
                .onMessage(ListingFound.class, found -> found.listing().isForKey(Dispatcher.KEY)
                        ? onDispatchers(found.listing()) : onRewards(found.listing()))
                .onMessage(WeightsReady.class, this::onWeights)
                .onMessage(RolloutWork.class, this::onWork)
                .onMessage(Step.class, s -> onStep())
                .onSignal(PostStop.class, s -> onStop())
                .build();
    }

    private Behavior<RolloutMessage> onDispatchers(Receptionist.Listing listing) {
        dispatcher = listing.getServiceInstances(Dispatcher.KEY).stream().findFirst().orElse(null);
        askedAtHeld = -1; // a new dispatcher knows nothing of earlier requests
        askForWork();
        return this;
    }

    private Behavior<RolloutMessage> onRewards(Receptionist.Listing listing) {
        boolean before = rewardsKnown;
        rewardsKnown = !listing.getServiceInstances(Reward.KEY).isEmpty();
        if (rewardsKnown && !before) {
            askForWork();
        }
        return this;
    }

    private Behavior<RolloutMessage> onWeights(WeightsReady ready) {
        pending.offer(ready.snapshot(), ready.receivedMicros(), version);
        if (!stepQueued) {
            applyWeights();
            askForWork();
            scheduleStep();
        }
        return this;
    }

    private Behavior<RolloutMessage> onWork(RolloutWork work) {
        String problem = MessageChecks.leaseProblem(work);
        if (problem != null) { // the dispatcher's lease times out and is re-issued
            getContext().getLog().warn("{} dropped an invalid lease for prompt {}: {}", id, work.promptId(), problem);
            return this;
        }
        waiting.add(work);
        scheduleStep();
        return this;
    }

    /** Queues one {@link Step} when there is something to decode or to admit. */
    private void scheduleStep() {
        if (!stepQueued && (!engine.idle() || admissible() != null)) {
            stepQueued = true;
            getContext().getSelf().tell(new Step());
        }
    }

    private Behavior<RolloutMessage> onStep() {
        stepQueued = false;
        applyWeights();
        admitWaiting();
        if (!engine.idle()) {
            long start = System.nanoTime();
            try {
                List<FinishedGroup<Long>> done = engine.step();
                long nanos = System.nanoTime() - start;
                inFlight.attribute(nanos);
                telemetry.decoded(nanos);
                for (FinishedGroup<Long> group : done) {
                    firstEpisodes.show(group);
                    SampledGroup sampled = inFlight.finish(group, id, tokenizer, version, arrivals, WallClock.micros());
                    telemetry.sampled(sampled.completionTokens(), sampled.episodes());
                    rewards.tell(sampled);
                }
            } catch (RuntimeException e) {
                failInFlight(e);
            }
        }
        applyWeights(); // with in-flight updates off, the step that drained the engine lets a waiting snapshot in
        askForWork();
        scheduleStep();
        return this;
    }

    /**
     * The head of the queue if the engine may take it now: the replica is at least at the lease's version (work
     * leased for a newer version than the replica holds waits for the next snapshot rather than being sampled only
     * to be dropped as stale), its group fits the free slots, and no snapshot waits for the engine to drain.
     */
    private RolloutWork admissible() {
        RolloutWork head = waiting.peek();
        if (head == null || version < head.minVersion() || engine.freeSlots() < head.groupSize()) {
            return null;
        }
        return pending.holdsAdmission(inFlightUpdates) ? null : head;
    }

    private void admitWaiting() {
        for (RolloutWork work = admissible(); work != null; work = admissible()) {
            waiting.poll();
            long start = System.nanoTime();
            try {
                int[] prompt = tokenizer.encode(work.prompt());
                long ticket = inFlight.nextTicket();
                engine.admit(ticket, prompt, work.groupSize(), rng.nextLong(), episodes == null ? null
                        : episodes.open(Long.toString(work.promptId()), work.prompt(), work.referenceAnswer(),
                                work.groupSize()));
                inFlight.admitted(ticket, work, prompt, System.nanoTime() - start);
            } catch (RuntimeException e) {
                failed(work, e);
            }
        }
    }

    /** A failed decode step: every group in flight is reported failed and dropped; the engine starts empty. */
    private void failInFlight(RuntimeException e) {
        for (RolloutWork work : inFlight.remove(engine.abandonAll())) {
            failed(work, e);
        }
    }

    /** Reports the lease failed and carries on: the dispatcher decides whether the prompt goes out again. */
    private void failed(RolloutWork work, RuntimeException e) {
        String error = e.getClass().getName() + ": " + e.getMessage();
        getContext().getLog().warn("{} could not sample prompt {} (attempt {}): {}", id, work.promptId(),
                work.attempt(), error);
        if (dispatcher != null) {
            dispatcher.tell(new LeaseFailed(work.promptId(), work.attempt(), id, error));
        }
    }

    /** Swaps in what waits, if the engine may take it now (see {@link PendingWeights}). */
    private void applyWeights() {
        long before = version;
        version = pending.apply(engine, inFlightUpdates, version, line -> getContext().getLog().error("{}: {}", id,
                line));
        if (version >= 0 && version != before) {
            arrivals.record(version, pending.appliedReceivedMicros());
            telemetry.version(version);
        }
    }

    /** Credits: the groups that fit all slots plus the queue beyond them, less the groups held now. */
    private void askForWork() {
        int held = inFlight.size() + waiting.size();
        int capacity = engine.maxSequences() / settings.groupSize() + settings.rolloutQueue();
        int credits = capacity - held;
        if (dispatcher == null || !rewardsKnown || version < 0 || credits <= 0
                || (held == askedAtHeld && version == askedAtVersion)) {
            return;
        }
        askedAtHeld = held;
        askedAtVersion = version;
        dispatcher.tell(new RequestWork(id, version, credits, getContext().getSelf().narrow()));
    }

    private Behavior<RolloutMessage> onStop() {
        try {
            subscription.close();
        } catch (Exception e) {
            getContext().getLog().warn("closing the weight subscription of {} failed", id, e);
        }
        engine.close();
        return this;
    }
}
