package dev.aha.protocol.pipeline;

/**
 * The learner closes a lease: the group was used in a step, dropped because it lagged more than max-staleness
 * versions, or dropped because every completion scored the same (dynamic sampling). Every dispatched prompt ends in
 * exactly one of these (or is re-issued and ends so later).
 */
public record WorkDone(long promptId, int attempt, Outcome outcome) implements DispatcherMessage {

    public enum Outcome {
        USED,
        DROPPED_STALE,
        /** A late duplicate of a lease that was re-issued or already closed. */
        DUPLICATE,
        /**
         * Every reward of the group was equal, so every advantage was 0 and the group carried no gradient
         * (aha.grpo.drop-uniform-groups). Last, so that the ordinals of the others stay as they were on the wire.
         */
        DROPPED_UNIFORM
    }
}
