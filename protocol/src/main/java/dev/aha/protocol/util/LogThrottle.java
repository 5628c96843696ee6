package dev.aha.protocol.util;

import java.time.Duration;

/**
 * At most one log line per interval for an event that can recur at line rate (a flood of hostile datagrams, a fault
 * in every duty cycle, a reward rule failing on every completion): the first occurrence is logged at once, later ones
 * are counted and the next line says how many went unlogged. Counting stays exact either way: this only spares the
 * log. Safe to share between threads.
 */
public final class LogThrottle {

    private final long intervalNanos;
    private long lastNanos;
    private boolean loggedBefore;
    private long unlogged;

    /** @param interval the least time between two log lines */
    public LogThrottle(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a log throttle's interval must be positive, was " + interval);
        }
        this.intervalNanos = interval.toNanos();
    }

    /**
     * @param nowNanos the caller's {@link System#nanoTime()} (or a test's clock)
     * @return -1 if this occurrence should not be logged; otherwise how many went unlogged since the last line
     */
    public synchronized long admit(long nowNanos) {
        if (loggedBefore && nowNanos - lastNanos < intervalNanos) {
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
