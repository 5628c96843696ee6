package dev.aha.protocol.pipeline;

/**
 * The learner closes a lease: the group was used in a step, or dropped because it lagged more than max-staleness
 * versions. Every dispatched prompt ends in exactly one of these (or is re-issued and ends so later).
 */
public record WorkDone(long promptId, int attempt, Outcome outcome) implements DispatcherMessage {

    public enum Outcome {
        USED,
        DROPPED_STALE,
        /** A late duplicate of a lease that was re-issued or already closed. */
        DUPLICATE
    }
}
