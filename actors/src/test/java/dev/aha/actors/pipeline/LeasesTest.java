package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.WorkDone.Outcome;
import dev.aha.protocol.pipeline.WorkDone;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lease books on their own, with the time passed in: deadlines, re-issues, closing outcomes, accounting. */
class LeasesTest {

    private static final Duration TIMEOUT = Duration.ofNanos(100);

    private final Leases<String> leases = new Leases<>(TIMEOUT, 0, 2);

    /** Leases a fresh prompt to {@code holder} at {@code now}. */
    private RolloutWork lease(String holder, long now) {
        long id = leases.takePromptId();
        RolloutWork w = new RolloutWork(id, 0, "prompt " + id, "answer " + id, 4, 1);
        leases.grant(w, holder, now);
        return w;
    }

    /** Leases a fresh prompt to "a", which stops; its next attempt is leased to "b". Returns attempt 0. */
    private RolloutWork reissuedToB() {
        RolloutWork w = lease("a", 0);
        leases.reissueHeldBy("a");
        leases.grant(leases.pollReissue(1), "b", 0);
        return w;
    }

    private static RolloutWork nextAttempt(RolloutWork w) {
        return new RolloutWork(w.promptId(), w.attempt() + 1, w.prompt(), w.referenceAnswer(), w.groupSize(),
                w.minVersion());
    }

    /** Nothing held on a lost node. */
    private DispatcherStats stats() {
        return leases.stats(0, h -> false);
    }

    private static void assertBalanced(DispatcherStats s) {
        assertEquals(s.dispatched(), s.used() + s.droppedStale() + s.droppedUniform() + s.outstanding(), s.toString());
    }

    @Test
    void shouldCountFreshPromptIdsAsDispatchedFromTheFirstId() {
        Leases<String> resumed = new Leases<>(TIMEOUT, 100, 2);
        assertEquals(100, resumed.takePromptId());
        assertEquals(101, resumed.takePromptId());
        DispatcherStats s = resumed.stats(7, h -> false);
        assertEquals(2, s.dispatched());
        assertEquals(102, s.nextPromptId());
        assertEquals(7, s.learnerVersion());
    }

    @Test
    void shouldExpireALeaseOnlyOnceItsDeadlineHasPassed() {
        RolloutWork w = lease("a", 1_000);
        assertEquals(List.of(), leases.expire(1_100), "at the deadline the lease still stands");
        assertEquals(List.of(nextAttempt(w)), leases.expire(1_101));
        assertEquals(0, leases.open());
        assertEquals(1, leases.queued());
        assertEquals(1, stats().reissued());
        assertEquals(List.of(), leases.expire(10_000), "an expired lease is re-queued once, not on every tick");
    }

    @Test
    void shouldExpireAcrossTheWrapOfTheNanoClock() {
        lease("a", Long.MAX_VALUE - 10); // the deadline wraps to Long.MIN_VALUE + 89
        assertEquals(List.of(), leases.expire(Long.MAX_VALUE), "a lease granted 10 ns ago is not late");
        assertEquals(List.of(), leases.expire(Long.MIN_VALUE + 89));
        assertEquals(1, leases.expire(Long.MIN_VALUE + 90).size());
    }

    @Test
    void shouldExpireOnlyTheLeasesPastTheirDeadline() {
        RolloutWork early = lease("a", 0);
        lease("a", 50);
        assertEquals(List.of(nextAttempt(early)), leases.expire(120));
        assertEquals(1, leases.open());
    }

    @Test
    void shouldGiveAReissuedLeaseAFreshDeadline() {
        lease("a", 0);
        leases.expire(101);
        RolloutWork again = leases.pollReissue(1);
        leases.grant(again, "b", 101);
        assertEquals(List.of(), leases.expire(201), "its deadline counts from the re-issue");
        assertEquals(List.of(nextAttempt(again)), leases.expire(202));
    }

    @Test
    void shouldReissueOnlyTheLeasesOfTheStoppedHolder() {
        RolloutWork a0 = lease("a", 0);
        lease("b", 0);
        RolloutWork a2 = lease("a", 0);
        List<RolloutWork> again = leases.reissueHeldBy("a");
        assertEquals(2, again.size());
        assertEquals(List.of(nextAttempt(a0), nextAttempt(a2)),
                again.stream().sorted(Comparator.comparingLong(RolloutWork::promptId)).toList());
        assertEquals(1, leases.open(), "b's lease stays");
        assertEquals(List.of(), leases.reissueHeldBy("a"));
    }

    @Test
    void shouldHandOutReissuesOldestFirstWithTheCurrentMinVersion() {
        RolloutWork first = lease("a", 0);
        RolloutWork second = lease("b", 0);
        leases.reissueHeldBy("a");
        leases.reissueHeldBy("b");
        RolloutWork one = leases.pollReissue(7);
        RolloutWork two = leases.pollReissue(7);
        assertEquals(new RolloutWork(first.promptId(), 1, first.prompt(), first.referenceAnswer(), 4, 7), one);
        assertEquals(new RolloutWork(second.promptId(), 1, second.prompt(), second.referenceAnswer(), 4, 7), two);
        assertNull(leases.pollReissue(7));
    }

    @Test
    void shouldEndThePromptWhenAnyAttemptIsUsed() {
        RolloutWork first = lease("a", 0);
        RolloutWork second = lease("a", 0);
        leases.reissueHeldBy("a");
        leases.grant(leases.pollReissue(1), "b", 0); // one prompt's next attempt is out again, the other's queued
        leases.close(new WorkDone(first.promptId(), 0, Outcome.USED));
        leases.close(new WorkDone(second.promptId(), 0, Outcome.USED));
        assertEquals(0, leases.open(), "the older attempt's use ends the newer attempt's lease");
        assertNull(leases.pollReissue(1), "and the re-issue still queued");
        DispatcherStats s = stats();
        assertEquals(2, s.used());
        assertEquals(0, s.outstanding());
        assertBalanced(s);
    }

    @Test
    void shouldEndThePromptWhenItIsDroppedAsStale() {
        RolloutWork w = lease("a", 0);
        leases.reissueHeldBy("a");
        leases.close(new WorkDone(w.promptId(), 1, Outcome.DROPPED_STALE));
        assertNull(leases.pollReissue(1));
        DispatcherStats s = stats();
        assertEquals(1, s.droppedStale());
        assertEquals(0, s.used());
        assertBalanced(s);
    }

    @Test
    void shouldKeepTheNewerAttemptsLeaseWhenALateDuplicateOfAnOlderOneArrives() {
        RolloutWork w = reissuedToB();
        leases.close(new WorkDone(w.promptId(), 0, Outcome.DUPLICATE));
        assertEquals(1, leases.open());
        assertEquals(1, stats().duplicates());
        assertBalanced(stats());
    }

    @Test
    void shouldCloseTheCurrentAttemptOnItsDuplicateAndPlaceThePromptWhenTheOtherIsUsed() {
        RolloutWork w = reissuedToB();
        // attempt 0 reached the learner late but first; attempt 1 is the duplicate
        leases.close(new WorkDone(w.promptId(), 1, Outcome.DUPLICATE));
        assertEquals(0, leases.open());
        assertEquals(1, stats().lost(), "neither used nor out until attempt 0 is used");
        leases.close(new WorkDone(w.promptId(), 0, Outcome.USED));
        DispatcherStats s = stats();
        assertEquals(0, s.lost());
        assertBalanced(s);
    }

    @Test
    void shouldEndThePromptWhenItIsDroppedAsUniformAndPlaceIt() {
        RolloutWork w = lease("a", 0);
        RolloutWork other = lease("a", 0);
        leases.reissueHeldBy("a");
        leases.grant(leases.pollReissue(1), "b", 0); // w's next attempt is out
        assertEquals(nextAttempt(w).promptId(), leases.close(new WorkDone(w.promptId(), 0, Outcome.DROPPED_UNIFORM))
                .promptId(), "the lease it closed: the re-issue, whichever attempt's group was dropped");
        assertNull(leases.close(new WorkDone(other.promptId(), 0, Outcome.DROPPED_UNIFORM)),
                "a prompt queued for re-issue has no open lease; its queued attempt ends");
        assertEquals(0, leases.open());
        assertNull(leases.pollReissue(1));
        DispatcherStats s = stats();
        assertEquals(2, s.droppedUniform());
        assertEquals(0, s.lost(), "a dropped prompt is placed, not lost");
        assertBalanced(s);
    }

    @Test
    void shouldPlaceEveryDispatchedPrompt() {
        RolloutWork used = lease("a", 0);
        RolloutWork dropped = lease("a", 0);
        lease("gone", 0);
        lease("a", 0);
        lease("b", 0);
        leases.reissueHeldBy("b");
        leases.close(new WorkDone(used.promptId(), 0, Outcome.USED));
        leases.close(new WorkDone(dropped.promptId(), 0, Outcome.DROPPED_STALE));
        leases.close(new WorkDone(used.promptId(), 0, Outcome.DUPLICATE));
        DispatcherStats s = leases.stats(3, "gone"::equals);
        assertEquals(new DispatcherStats(5, 1, 1, 0, 1, 1, 3, 5, 3, 1, 0, 0), s,
                "one lease held on a lost node; the queued re-issue is not lost");
        assertBalanced(s);
    }

    @Test
    void shouldQueueAFailedLeaseAgainUntilItFailedOnEnoughRollouts() {
        RolloutWork w = lease("a", 0);
        assertNull(leases.fail(new LeaseFailed(w.promptId(), 0, "a", "E: too long"), 2));
        assertEquals(1, leases.queued(), "first failure: out again");
        RolloutWork again = leases.pollReissue(0);
        assertEquals(1, again.attempt());
        leases.grant(again, "a", 0);
        assertNull(leases.fail(new LeaseFailed(w.promptId(), 1, "a", "E: too long"), 2),
                "two failures, but both on one rollout of two: out again");
        RolloutWork third = leases.pollReissue(0);
        leases.grant(third, "b", 0);
        Leases.Quarantined q = leases.fail(new LeaseFailed(w.promptId(), 2, "b", "E: still too long"), 2);
        assertNotNull(q, "failed on both rollouts there are");
        assertEquals(Set.of("a", "b"), q.rollouts());
        assertEquals(3, q.failures());
        assertEquals("E: still too long", q.error());
        assertEquals(0, leases.open());
        assertEquals(0, leases.queued());
        DispatcherStats s = leases.stats(0, h -> false);
        assertEquals(1, s.quarantined());
        assertEquals(0, s.lost(), "a quarantined prompt is placed, not lost");
    }

    @Test
    void shouldQuarantineAfterEnoughFailuresWhenThereIsOneRollout() {
        RolloutWork w = lease("only", 0);
        assertNull(leases.fail(new LeaseFailed(w.promptId(), 0, "only", "E"), 1));
        leases.grant(leases.pollReissue(0), "only", 0);
        assertNotNull(leases.fail(new LeaseFailed(w.promptId(), 1, "only", "E"), 1));
    }

    @Test
    void shouldIgnoreTheFailureOfAnAttemptNoLongerOpen() {
        RolloutWork w = lease("a", 0);
        leases.expire(TIMEOUT.toNanos() + 1); // re-issued: attempt 1 queued
        assertNull(leases.fail(new LeaseFailed(w.promptId(), 0, "a", "E"), 1));
        assertEquals(1, leases.queued(), "the re-issue stands; nothing counted");
        assertEquals(0, leases.stats(0, h -> false).quarantined());
    }

    @Test
    void shouldKeepAQuarantinedPromptsErrorToABoundedLength() {
        RolloutWork w = lease("only", 0);
        String huge = "E".repeat(1 << 20); // another node's text, written to quarantine.jsonl
        assertNull(leases.fail(new LeaseFailed(w.promptId(), 0, "only", huge), 1));
        leases.grant(leases.pollReissue(0), "only", 0);
        Leases.Quarantined q = leases.fail(new LeaseFailed(w.promptId(), 1, "only", huge), 1);
        assertEquals(2_003, q.error().length(), "2,000 characters and an ellipsis");
    }
}
