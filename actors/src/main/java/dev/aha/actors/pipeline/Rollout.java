package dev.aha.actors.pipeline;

import dev.aha.actors.config.RunResources;
import dev.aha.actors.config.TrainSettings;
import dev.aha.actors.weights.WeightPlane;
import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RewardMessage;
import dev.aha.protocol.pipeline.RolloutMessage;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.weights.WeightSnapshot;
import dev.aha.runtime.backend.GroupGenerator;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
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
 * One inference device: a policy replica at some version that samples a group of G completions per leased prompt
 * and streams each group to the reward pool as soon as it is done. Between groups it swaps in the newest complete
 * weight snapshot and asks the dispatcher for more work with its free queue slots as credits.
 *
 * <p>Runs on a pinned dispatcher: sampling blocks its own thread, never Pekko's default dispatcher. A group is one
 * message ({@link SampleNext}), so weight swaps and new leases interleave between groups.
 *
 * <p>Failure policy: a group that cannot be sampled (an exception from the tokenizer or the policy) is reported to
 * the dispatcher as {@link LeaseFailed} and the rollout takes its next lease; the dispatcher re-issues or quarantines
 * the prompt. Anything that escapes (a failure in setup or a weight swap) stops this rollout: the dispatcher watches
 * it and re-issues its leases to the others.
 */
public final class Rollout extends AbstractBehavior<RolloutMessage> {

    /** What a rollout sends itself: snapshots from the plane's thread, its next-group tick, listings. */
    private sealed interface Command extends RolloutMessage.Local permits WeightsReady, SampleNext, ListingFound {}

    /** A complete snapshot is ready (from the weight plane's thread; read-only, shared with the node's rollouts). */
    private record WeightsReady(WeightSnapshot snapshot, long receivedMicros) implements Command {}

    private record SampleNext() implements Command {}

    /** A Receptionist listing of the dispatcher or of the reward actors (one adapter serves both keys). */
    private record ListingFound(Receptionist.Listing listing) implements Command {}

    private final String id;
    private final TrainSettings settings;
    private final Tokenizer tokenizer;
    private final GroupGenerator generator;
    private final Random rng;
    private final ActorRef<RewardMessage> rewards;
    private final Deque<RolloutWork> queue = new ArrayDeque<>();
    private final AutoCloseable subscription;
    private ActorRef<DispatcherMessage> dispatcher;
    /** The newest snapshot not yet swapped in (an older one waiting is simply replaced), and when it arrived. */
    private WeightSnapshot pending;
    private long pendingReceivedMicros;
    private long version = -1;
    private long versionReceivedMicros;
    private boolean sampling;
    private boolean rewardsKnown;

    private Rollout(ActorContext<RolloutMessage> context, String id, RunResources run, WeightPlane weights,
            long seed) {
        super(context);
        this.id = id;
        this.settings = run.config().train();
        this.tokenizer = run.tokenizer();
        // on this actor's pinned thread: DJL state is per thread
        this.generator = Backends.generator(run.config(), tokenizer);
        this.rng = new Random(seed);
        this.rewards = context.spawn(Routers.group(Reward.KEY).withRoundRobinRouting(), "rewards");
        ActorRef<RolloutMessage> self = context.getSelf();
        this.subscription = weights.subscribe(id, generator.weightBytes(),
                s -> self.tell(new WeightsReady(s, WallClock.micros())));
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, ListingFound::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(Dispatcher.KEY, listings));
        // The reward router drops what it cannot route: take no work before a reward actor is known.
        context.getSystem().receptionist().tell(Receptionist.subscribe(Reward.KEY, listings));
    }

    /**
     * @param run the run's settings and tokenizer
     * @param seed this rollout's own RNG seed, so runs are reproducible per rollout
     */
    public static Behavior<RolloutMessage> create(String id, RunResources run, WeightPlane weights, long seed) {
        return Behaviors.setup(ctx -> new Rollout(ctx, id, run, weights, seed));
    }

    @Override
    public Receive<RolloutMessage> createReceive() {
        return newReceiveBuilder()
                .onMessage(ListingFound.class, found -> found.listing().isForKey(Dispatcher.KEY)
                        ? onDispatchers(found.listing()) : onRewards(found.listing()))
                .onMessage(WeightsReady.class, this::onWeights)
                .onMessage(RolloutWork.class, this::onWork)
                .onMessage(SampleNext.class, s -> onSampleNext())
                .onSignal(PostStop.class, s -> onStop())
                .build();
    }

    private Behavior<RolloutMessage> onDispatchers(Receptionist.Listing listing) {
        dispatcher = listing.getServiceInstances(Dispatcher.KEY).stream().findFirst().orElse(null);
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
        long newest = pending != null ? pending.version() : version;
        if (ready.snapshot().version() > newest) {
            pending = ready.snapshot();
            pendingReceivedMicros = ready.receivedMicros();
        }
        if (!sampling) {
            swapWeights();
            askForWork();
            scheduleNext();
        }
        return this;
    }

    private Behavior<RolloutMessage> onWork(RolloutWork work) {
        String problem = MessageChecks.leaseProblem(work);
        if (problem != null) { // the dispatcher's lease times out and is re-issued
            getContext().getLog().warn("{} dropped an invalid lease for prompt {}: {}", id, work.promptId(), problem);
            return this;
        }
        queue.add(work);
        scheduleNext();
        return this;
    }

    /**
     * Queues one {@link SampleNext} when there is work this replica may sample. Work leased for a newer version than
     * the replica holds (the learner moved on while it waited) waits for the next snapshot rather than being sampled
     * only to be dropped as stale.
     */
    private void scheduleNext() {
        RolloutWork head = queue.peek();
        if (!sampling && head != null && version >= head.minVersion()) {
            sampling = true;
            getContext().getSelf().tell(new SampleNext());
        }
    }

    private Behavior<RolloutMessage> onSampleNext() {
        sampling = false;
        swapWeights();
        RolloutWork work = queue.peek();
        if (work != null && version >= work.minVersion()) {
            queue.poll();
            try {
                rewards.tell(sample(work));
            } catch (RuntimeException e) {
                failed(work, e);
            }
            askForWork();
        }
        scheduleNext();
        return this;
    }

    private SampledGroup sample(RolloutWork work) {
        long start = System.nanoTime();
        int[] prompt = tokenizer.encode(work.prompt());
        List<Completion> group = generator.sampleGroup(prompt, work.groupSize(), rng);
        int g = group.size();
        int[][] tokens = new int[g][];
        float[][] logProbs = new float[g][];
        String[] texts = new String[g];
        boolean[] truncated = new boolean[g];
        for (int i = 0; i < g; i++) {
            tokens[i] = group.get(i).tokens();
            logProbs[i] = group.get(i).logProbs();
            texts[i] = tokenizer.decode(tokens[i]);
            truncated[i] = !group.get(i).finished();
        }
        return new SampledGroup(work.promptId(), work.attempt(), id, version, work.prompt(), work.referenceAnswer(),
                prompt, tokens, logProbs, texts, truncated, WallClock.micros(), versionReceivedMicros,
                System.nanoTime() - start);
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

    /** Swaps in the newest complete snapshot, if one is waiting; true if it did. */
    private boolean swapWeights() {
        if (pending == null) {
            return false;
        }
        generator.loadWeights(pending.weights());
        version = pending.version();
        versionReceivedMicros = pendingReceivedMicros;
        pending = null;
        return true;
    }

    private void askForWork() {
        int free = settings.rolloutQueue() - queue.size();
        if (dispatcher != null && rewardsKnown && version >= 0 && free > 0) {
            dispatcher.tell(new RequestWork(id, version, free, getContext().getSelf().narrow()));
        }
    }

    private Behavior<RolloutMessage> onStop() {
        try {
            subscription.close();
        } catch (Exception e) {
            getContext().getLog().warn("closing the weight subscription of {} failed", id, e);
        }
        generator.close();
        return this;
    }
}
