package dev.aha.protocol.pipeline;

/**
 * The learner took a step: its policy is now {@code version}, whose weights are on the weight plane. The dispatcher
 * uses it to enforce max-staleness and, in sync mode, to release the next batch.
 *
 * @param step learner steps taken
 * @param version the new policy version
 */
public record VersionAdvanced(long step, long version) implements DispatcherMessage {}
