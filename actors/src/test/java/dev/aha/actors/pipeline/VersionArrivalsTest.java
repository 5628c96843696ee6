package dev.aha.actors.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.pipeline.SampledGroup;
import org.junit.jupiter.api.Test;

class VersionArrivalsTest {

    @Test
    void aCompletionOfOneVersionSendsNoSpans() {
        assertArrayEquals(new long[0], VersionArrivals.spans(new long[] {4, 4, 4}, 4));
        assertArrayEquals(new long[0], VersionArrivals.spans(new long[0], 4), "untracked");
    }

    @Test
    void spansListEachVersionWithItsFirstTokenInOrder() {
        assertArrayEquals(new long[] {4, 0, 5, 2, 7, 3}, VersionArrivals.spans(new long[] {4, 4, 5, 7, 7}, 4));
    }

    @Test
    void aCompletionThatStartsAfterItsGroupIsAnError() {
        assertThrows(IllegalStateException.class, () -> VersionArrivals.spans(new long[] {5, 6}, 4));
    }

    @Test
    void theArrivalOfAForgottenVersionIsTheLatestKnown() {
        VersionArrivals a = new VersionArrivals();
        a.record(1, 100);
        a.record(2, 200);
        assertEquals(100, a.receivedMicros(1));
        for (int v = 3; v < 100; v++) {
            a.record(v, v * 100L);
        }
        assertEquals(9900, a.receivedMicros(1));
    }

    @Test
    void theBoundaryRefusesSpansThatDoNotDescribeTheCompletion() {
        assertNull(MessageChecks.sampledProblem(group(new long[] {3, 0, 4, 2})));
        assertTrue(MessageChecks.sampledProblem(group(new long[] {4, 0, 5, 2})).contains("starting at (v3, 0)"));
        assertTrue(MessageChecks.sampledProblem(group(new long[] {3, 0, 4, 9})).contains("out of order"));
        assertTrue(MessageChecks.sampledProblem(group(new long[] {3, 0, 2, 1})).contains("out of order"));
        assertTrue(MessageChecks.sampledProblem(group(new long[] {3, 0, 4})).contains("pairs"));
    }

    private static SampledGroup group(long[] spans) {
        return new SampledGroup(1, 0, "r", 3, "p", "1", new int[] {1}, new int[][] {{1, 2, 3}, {4}},
                new float[][] {{0, 0, 0}, {0}}, new String[] {"a", "b"}, new boolean[2], 0, 0, 0,
                new long[][] {spans, {}});
    }
}
