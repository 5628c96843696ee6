package dev.aha.actors.pipeline;

import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.WorkDone;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The dispatcher's books: the open leases with their deadlines, the prompts waiting to be handed out again, and the
 * counts that place every dispatched prompt (used, dropped as stale or as uniform, or still out). No actor and no
 * clock of its own: the caller passes the time, so every edge case is testable in microseconds.
 *
 * @param <H> who holds a lease: a rollout's ActorRef in the dispatcher, anything comparable by equals in tests
 */
final class Leases<H> {

    private record Lease<H>(RolloutWork work, H holder, long deadlineNanos) {}

    /**
     * A prompt kept out of the stream for good: it failed on every rollout asked to sample it.
     *
     * @param rollouts the rollouts it failed on
     * @param error the last failure's error
     */
    record Quarantined(long promptId, String prompt, String referenceAnswer, int failures, Set<String> rollouts,
            String error) {}

    /** The failures of one prompt so far. */
    private static final class Failures {
        final Set<String> rollouts = new TreeSet<>();
        int count;
    }

    /** An error text from another node is kept to this many characters in quarantine.jsonl. */
    private static final int MAX_ERROR = 2_000;

    private final long timeoutNanos;
    private final Map<Long, Lease<H>> open = new HashMap<>();
    private final Deque<RolloutWork> reissue = new ArrayDeque<>();
    private final Map<Long, Failures> failures = new HashMap<>();
    private final int quarantineAfter;
    private long nextPromptId;
    private long dispatched;
    private long used;
    private long droppedStale;
    private long droppedUniform;
    private long reissued;
    private long duplicates;
    private long quarantined;
    private long invalid;

    /**
     * @param timeout how long a lease may stay open before it is handed out again
     * @param firstPromptId where a resumed run's stream continues
     * @param quarantineAfter failures after which a prompt is quarantined, on as many distinct rollouts as there are
     *     (up to this many)
     */
    Leases(Duration timeout, long firstPromptId, int quarantineAfter) {
        this.timeoutNanos = timeout.toNanos();
        this.nextPromptId = firstPromptId;
        this.quarantineAfter = quarantineAfter;
    }

    /** The id for a fresh prompt drawn from the stream: from here on it is counted as dispatched. */
    long takePromptId() {
        dispatched++;
        return nextPromptId++;
    }

    /**
     * The prompt that has waited longest to be handed out again, or null.
     *
     * @param minVersion the staleness bound as of now: the one it had when it was first leased may be out of date
     */
    RolloutWork pollReissue(long minVersion) {
        RolloutWork w = reissue.poll();
        return w == null ? null : attempt(w, w.attempt(), minVersion);
    }

    void grant(RolloutWork work, H holder, long nowNanos) {
        open.put(work.promptId(), new Lease<>(work, holder, nowNanos + timeoutNanos));
    }

    /**
     * Closes what {@code done} says is finished.
     *
     * @return the lease that closed, or null if none was open for that prompt
     */
    RolloutWork close(WorkDone done) {
        Lease<H> lease = open.get(done.promptId());
        switch (done.outcome()) {
            case USED -> {
                used++;
                end(done.promptId()); // whichever attempt was used, the prompt is done
            }
            case DROPPED_STALE -> {
                droppedStale++;
                end(done.promptId());
            }
            case DROPPED_UNIFORM -> { // sampled and scored, no signal: done, and its slot goes to a fresh prompt
                droppedUniform++;
                end(done.promptId());
            }
            case DUPLICATE -> {
                duplicates++;
                // a late duplicate of an older attempt must leave the newer attempt's lease open
                if (lease != null && lease.work().attempt() == done.attempt()) {
                    open.remove(done.promptId());
                } else {
                    return null;
                }
            }
        }
        return lease == null ? null : lease.work();
    }

    private void end(long promptId) {
        open.remove(promptId);
        reissue.removeIf(w -> w.promptId() == promptId);
        failures.remove(promptId);
    }

    /**
     * A rollout failed on its lease: the prompt is queued for its next attempt, or quarantined when it has failed
     * {@code quarantineAfter} times on {@code min(quarantineAfter, rollouts)} distinct rollouts (a prompt no
     * rollout can sample must not be retried forever; one that failed on a single broken rollout gets another).
     * A failure of an attempt that is no longer open (re-issued meanwhile) is ignored.
     *
     * @param rollouts the rollouts there are now
     * @return the quarantined prompt, or null if it was queued again (or the failure was stale)
     */
    Quarantined fail(LeaseFailed f, int rollouts) {
        Lease<H> lease = open.get(f.promptId());
        if (lease == null || lease.work().attempt() != f.attempt()) {
            return null;
        }
        open.remove(f.promptId());
        Failures seen = failures.computeIfAbsent(f.promptId(), id -> new Failures());
        seen.count++;
        seen.rollouts.add(f.rolloutId());
        RolloutWork w = lease.work();
        if (seen.count >= quarantineAfter && seen.rollouts.size() >= Math.min(quarantineAfter, Math.max(1, rollouts))) {
            failures.remove(f.promptId());
            quarantined++;
            String error = f.error().length() > MAX_ERROR ? f.error().substring(0, MAX_ERROR) + "..." : f.error();
            return new Quarantined(w.promptId(), w.prompt(), w.referenceAnswer(), seen.count, seen.rollouts, error);
        }
        reissue.add(attempt(w, w.attempt() + 1, w.minVersion()));
        reissued++;
        return null;
    }

    /** Queues the leases past their deadline at {@code nowNanos} for a next attempt and returns those attempts. */
    List<RolloutWork> expire(long nowNanos) {
        return reissueWhere(lease -> nowNanos - lease.deadlineNanos() > 0); // by difference: nanoTime may wrap
    }

    /** Queues the leases {@code holder} holds (it stopped) for a next attempt and returns those attempts. */
    List<RolloutWork> reissueHeldBy(H holder) {
        return reissueWhere(lease -> lease.holder().equals(holder));
    }

    private List<RolloutWork> reissueWhere(Predicate<Lease<H>> due) {
        List<Long> ids = new ArrayList<>();
        open.forEach((id, lease) -> {
            if (due.test(lease)) {
                ids.add(id);
            }
        });
        List<RolloutWork> next = new ArrayList<>(ids.size());
        for (long id : ids) {
            RolloutWork w = open.remove(id).work();
            RolloutWork again = attempt(w, w.attempt() + 1, w.minVersion());
            reissue.add(again);
            reissued++;
            next.add(again);
        }
        return next;
    }

    private static RolloutWork attempt(RolloutWork w, int attempt, long minVersion) {
        return new RolloutWork(w.promptId(), attempt, w.prompt(), w.referenceAnswer(), w.groupSize(), minVersion,
                w.reward());
    }

    /** A message from another node was dropped as invalid. */
    void invalid() {
        invalid++;
    }

    int open() {
        return open.size();
    }

    int queued() {
        return reissue.size();
    }

    /**
     * @param lost whether a holder's node is gone: its leases would be lost if the run ended now
     */
    DispatcherStats stats(long learnerVersion, Predicate<? super H> lost) {
        long outstanding = open.size() + reissue.size();
        long unplaced = Math.max(0, dispatched - used - droppedStale - droppedUniform - quarantined - outstanding);
        long heldByLost = open.values().stream().filter(l -> lost.test(l.holder())).count();
        return new DispatcherStats(dispatched, used, droppedStale, droppedUniform, reissued, duplicates, outstanding,
                nextPromptId, learnerVersion, heldByLost + unplaced, quarantined, invalid);
    }
}
