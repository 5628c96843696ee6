package dev.aha.actors.config;

import java.util.Locale;

/** What keeps the groups a step trains on within max-staleness versions ({@code aha.train.staleness}). */
public enum StalenessPolicy {
    /** Leases go out as credits and capacity allow; a group that arrives too stale is dropped. */
    DROP,
    /** The dispatcher holds leases back while a group leased now would arrive too stale ({@code LeasePacing}). */
    PACE;

    /** Reads {@code drop | pace}. */
    public static StalenessPolicy of(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "drop" -> DROP;
            case "pace" -> PACE;
            default -> throw new IllegalArgumentException("aha.train.staleness must be drop or pace, was '" + name
                    + "'");
        };
    }
}
