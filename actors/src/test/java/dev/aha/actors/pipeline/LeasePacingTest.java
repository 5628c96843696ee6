package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pacing rule on a clock of its own: batch-groups 2, max-staleness 2. */
class LeasePacingTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldCountTheBatchesAheadUntilTheRatesAreMeasured() {
        LeasePacing p = new LeasePacing(2, 2);
        assertEquals(2, p.ahead(5), "5 out: two whole batches first");
        assertTrue(p.allows(0, 0, 5));
        assertFalse(p.allows(0, 0, 6));
        assertFalse(p.allows(1, 0, 4), "lag 1 + 2 batches ahead");
        assertTrue(p.allows(5, 0, 1), "fewer than a batch out: always, or the learner could never step");
    }

    /**
     * The learner steps every second and leases live 2.5 s from grant to close: a lease granted now is used 2 or 3
     * versions on, whatever few leases are out (rounded up: 3), so past the first batch nothing goes out.
     */
    @Test
    void shouldCountTheLearnersStepsInALeasesLifetime() {
        LeasePacing p = new LeasePacing(2, 2);
        for (int v = 0; v <= 3; v++) {
            p.stepped(v * SECOND);
        }
        p.granted(7, 0);
        p.closed(7, 2 * SECOND + SECOND / 2, false);
        assertEquals(3, p.ahead(2));
        assertFalse(p.allows(0, 0, 2));
        assertTrue(p.allows(0, 0, 1));
        p.closed(99, 0, false); // a lease it never saw granted (from before a restart) changes nothing
        assertEquals(3, p.ahead(0));
    }

    /**
     * The learner closes a batch's leases before its version announcement reaches the dispatcher: the first used close
     * is the step already, so a rollout at v0 with 4 out is then 1 behind and 2 batches ahead: 3, past the bound; with
     * 3 out, 1 batch ahead: 2.
     */
    @Test
    void shouldCountABatchClosedAsUsedAsTheStepItMakes() {
        LeasePacing p = new LeasePacing(2, 2);
        p.closed(1, 0, false);
        assertTrue(p.allows(0, 0, 4), "a group dropped is no step: 0 behind, 2 batches ahead");
        p.closed(2, 0, true);
        assertFalse(p.allows(0, 0, 4), "the step is taken: 1 behind + 2 batches ahead");
        assertTrue(p.allows(0, 0, 3));
        p.closed(3, 0, true);
        assertTrue(p.allows(0, 0, 3), "still that one step: 1 behind + 1 batch ahead");
        p.closed(4, 0, true);
        assertFalse(p.allows(0, 0, 2), "a second batch's worth: 2 behind + 1 batch ahead");
        p.stepped(0);
        assertTrue(p.allows(1, 1, 4), "the announcement: the count starts again");
    }

    /** Running means: a faster lease pulls the lifetime down a quarter of the way. */
    @Test
    void shouldFollowTheRatesAsTheyChange() {
        LeasePacing p = new LeasePacing(2, 2);
        p.stepped(0);
        p.stepped(SECOND);
        p.granted(1, 0);
        p.closed(1, 4 * SECOND, false);
        assertEquals(4, p.ahead(0));
        p.granted(2, 10 * SECOND);
        p.closed(2, 10 * SECOND, false); // 0 s: 0.75 * 4 + 0.25 * 0 = 3
        assertEquals(3, p.ahead(0));
    }
}
