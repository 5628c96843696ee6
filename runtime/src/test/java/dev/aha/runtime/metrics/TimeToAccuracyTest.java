package dev.aha.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeToAccuracyTest {

    private static final List<EvalPoint> CURVE = List.of(
            new EvalPoint(0, 110, 0.22),
            new EvalPoint(100, 200, 0.55),
            new EvalPoint(200, 290, 0.71),
            new EvalPoint(300, 380, 0.68), // noise: a dip below 0.7 after crossing it
            new EvalPoint(400, 470, 0.80));

    @Test
    void theFirstEvaluationAtOrAboveEachThresholdCounts() {
        assertEquals(200, TimeToAccuracy.secondsTo(CURVE, 0.5).getAsDouble());
        assertEquals(290, TimeToAccuracy.secondsTo(CURVE, 0.7).getAsDouble(), "a later dip does not move it");
        assertEquals(470, TimeToAccuracy.secondsTo(CURVE, 0.8).getAsDouble(), "reaching the threshold exactly counts");
        assertTrue(TimeToAccuracy.secondsTo(CURVE, 0.9).isEmpty());
    }

    @Test
    void aColdStartAlreadyAboveAThresholdReachedItWhenItWasEvaluated() {
        assertEquals(110, TimeToAccuracy.secondsTo(CURVE, 0.2).getAsDouble());
    }

    @Test
    void theTableHasEveryThresholdInOrderWithNullForThoseNotReached() {
        Map<String, Double> table = TimeToAccuracy.table(CURVE);
        assertEquals(List.of("0.5", "0.6", "0.7", "0.8", "0.9"), new ArrayList<>(table.keySet()));
        assertEquals(200, table.get("0.5"));
        assertEquals(290, table.get("0.6"));
        assertEquals(470, table.get("0.8"));
        assertNull(table.get("0.9"));
        assertTrue(TimeToAccuracy.table(List.of()).values().stream().allMatch(v -> v == null), "no evaluations");
    }
}
