package dev.aha.protocol.weights;

import java.util.concurrent.TimeUnit;

/**
 * At most one log line a second for an event that can recur at line rate (a flood of hostile datagrams, a fault in
 * every duty cycle): the first occurrence is logged at once, later ones are counted and the next line says how many
 * went unlogged. Counting stays exact either way: this only spares the log.
 */
final class LogThrottle {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private long lastNanos;
    private boolean loggedBefore;
    private long unlogged;

    /** -1 if this occurrence should not be logged; otherwise how many went unlogged since the last line. */
    synchronized long admit(long nowNanos) {
        if (loggedBefore && nowNanos - lastNanos < INTERVAL_NANOS) {
            unlogged++;
            return -1;
        }
        loggedBefore = true;
        lastNanos = nowNanos;
        long skipped = unlogged;
        unlogged = 0;
        return skipped;
    }
}
