package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DAPO's soft overlong punishment (eq. 13), point by point, and the settings it refuses. */
class OverlongShapingTest {

    /** L_max 20, L_cache 8: free up to 12 tokens, then 1/8 of the penalty per token, the whole penalty at 20. */
    @ParameterizedTest(name = "|y| = {0}, penalty {1}: {2}")
    @CsvSource({
        "0,   1.0, 0",
        "1,   1.0, 0",
        "12,  1.0, 0", // L_max - L_cache: the last free length
        "13,  1.0, -0.125",
        "16,  1.0, -0.5",
        "19,  1.0, -0.875",
        "20,  1.0, -1", // at the cap: the whole penalty
        "21,  1.0, -1", // beyond it (a longer completion than the cap): no more than the whole penalty
        "500, 1.0, -1",
        "16,  0.5, -0.25", // the penalty scales the whole ramp
        "20,  0.5, -0.5",
        "12,  0.5, 0"
    })
    void shouldPunishOnlyTheLastBufferTokensLinearly(int length, double penalty, double expected) {
        assertEquals(expected, new OverlongShaping(20, 8, penalty, false).reward(length), 1e-12);
    }

    @ParameterizedTest(name = "buffer {0} of {1}, |y| = {2}: {3}")
    @CsvSource({
        "0,  20, 20,  0", // no buffer: no punishment, even at the cap
        "0,  20, 999, 0",
        "20, 20, 0,   0", // the buffer is the whole length: only an empty completion is free
        "20, 20, 10,  -0.5",
        "20, 20, 20,  -1",
        "1,  20, 19,  0", // a one-token buffer: the cap alone is punished
        "1,  20, 20,  -1"
    })
    void shouldHandleTheBuffersEdges(int buffer, int maxLength, int length, double expected) {
        assertEquals(expected, new OverlongShaping(maxLength, buffer, 1.0, false).reward(length), 1e-12);
    }

    @Test
    void offChangesNoRewardAndMasksNothing() {
        assertFalse(OverlongShaping.OFF.punishes());
        assertFalse(OverlongShaping.OFF.filter());
        assertEquals(0, OverlongShaping.OFF.reward(Integer.MAX_VALUE));
        assertTrue(new OverlongShaping(20, 8, 1.0, false).punishes());
    }

    @Test
    void shouldRefuseABufferPastTheCapOrAPenaltyThatPunishesNothing() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new OverlongShaping(20, 21, 1.0, false))
                .getMessage().contains("aha.grpo.overlong.buffer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new OverlongShaping(20, -1, 1.0, false))
                .getMessage().contains("aha.grpo.overlong.buffer"));
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, 101}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> new OverlongShaping(20, 8, bad, false))
                    .getMessage().contains("aha.grpo.overlong.penalty"), "penalty " + bad);
        }
    }

    @Test
    void shouldReadItsKeysWithTheSamplingCapAsLMax() {
        GrpoSettings s = GrpoSettings.fromConfig(ConfigFactory.parseString(String.join("\n",
                "eps-low = 0.2, eps-high = 0.28, beta = 0, aggregation = TOKEN_MEAN, scale-advantages-by-std = on",
                "advantage-eps = 1e-4, dr-grpo-normalizer = 0, drop-uniform-groups = on",
                "overlong { buffer = 16, penalty = 0.5, filter = on }",
                "rollout-correction = none, rollout-correction-cap = 2.0, algorithm = grpo")), 64);
        assertTrue(s.dropUniformGroups());
        assertEquals(new OverlongShaping(64, 16, 0.5, true), s.overlong());
        assertEquals(-0.5, s.overlong().reward(64), 1e-12);
    }
}
