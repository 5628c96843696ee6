package dev.aha.actors.pipeline;

import java.time.Instant;

/**
 * Wall-clock time in epoch microseconds: comparable across the JVMs of one host (and across NTP-synced hosts), unlike
 * System.nanoTime. Used for latencies that start on one node and end on another.
 */
final class WallClock {

    private WallClock() {}

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
