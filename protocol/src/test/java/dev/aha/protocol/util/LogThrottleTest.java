package dev.aha.protocol.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstOccurrenceIsLoggedAtOnceAndTheNextLineCountsWhatWentUnlogged() {
        LogThrottle throttle = new LogThrottle(Duration.ofSeconds(1));
        long t0 = -5 * SECOND; // nanoTime may be negative: the first call must not depend on its sign
        assertEquals(0, throttle.admit(t0));
        assertEquals(-1, throttle.admit(t0 + 1));
        assertEquals(-1, throttle.admit(t0 + SECOND - 1));
        assertEquals(2, throttle.admit(t0 + SECOND));
        assertEquals(-1, throttle.admit(t0 + SECOND + 10));
        assertEquals(1, throttle.admit(t0 + 3 * SECOND));
        assertEquals(0, throttle.admit(t0 + 5 * SECOND));
    }

    @Test
    void theIntervalIsTheCallersChoice() {
        LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10));
        assertEquals(0, throttle.admit(0));
        assertEquals(-1, throttle.admit(9 * SECOND));
        assertEquals(1, throttle.admit(10 * SECOND));
    }

    @Test
    void anIntervalThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LogThrottle(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new LogThrottle(Duration.ofSeconds(-1)));
    }
}
