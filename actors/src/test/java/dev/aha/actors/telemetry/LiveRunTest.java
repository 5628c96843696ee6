package dev.aha.actors.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.metrics.StepMetrics;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LiveRunTest {

    static StepMetrics step(long n) {
        return new StepMetrics(n, n, n, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 10, new TreeMap<>(), 1, 1, 1, 0, 0, 0, 0, 0, 0,
                null, 0);
    }

    @Test
    void stepsAfterAStepAreTheNewerOnesOldestFirst() {
        LiveRun live = new LiveRun();
        for (long n = 1; n <= 5; n++) {
            live.step(step(n));
        }
        assertEquals(List.of(4L, 5L), live.stepsAfter(3).stream().map(StepMetrics::step).toList());
        assertEquals(5, live.stepsAfter(-1).size());
        assertTrue(live.stepsAfter(5).isEmpty());
    }

    /** A long run keeps its memory bounded: the older half is thinned, the newest steps all stay. */
    @Test
    void aLongRunIsThinnedInItsOlderHalf() {
        LiveRun live = new LiveRun();
        for (long n = 1; n <= LiveRun.MAX_STEPS + 1; n++) {
            live.step(step(n));
        }
        List<StepMetrics> kept = live.stepsAfter(-1);
        assertTrue(kept.size() <= LiveRun.MAX_STEPS * 3 / 4 + 1, "kept " + kept.size());
        assertEquals(LiveRun.MAX_STEPS + 1, kept.get(kept.size() - 1).step());
        assertEquals(LiveRun.MAX_STEPS, kept.get(kept.size() - 2).step(), "the newest steps are all kept");
        for (int i = 1; i < kept.size(); i++) {
            assertTrue(kept.get(i).step() > kept.get(i - 1).step(), "still in order");
        }
    }
}
