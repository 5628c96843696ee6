package dev.aha.runtime.backend;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import java.util.List;

/**
 * A rollout's inference device: a policy replica that decodes many sequences at once. Groups are admitted while
 * slots are free; each {@link #step} draws one token for every sequence in flight and returns the groups that
 * finished. The real one is the transformer on DJL ({@link TorchRolloutEngine}); the simulated one spends modelled
 * time instead of compute. Used from one thread only (the rollout's pinned thread).
 */
public interface RolloutEngine extends AutoCloseable {

    /** Size of the flat weight snapshot this replica loads. */
    long weightBytes();

    /**
     * Replaces the replica's weights with a complete, verified snapshot. Sequences in flight keep their cached keys
     * and values and continue under the new weights; tokens drawn from now on record {@code version}.
     */
    void loadWeights(FlatWeights flat, long version);

    /** Sequence slots in all. */
    int maxSequences();

    int freeSlots();

    /** Nothing in flight. */
    boolean idle();

    /**
     * Starts a group of G sequences from one prompt (prefilled once).
     *
     * @param seed fixes the group's draws whatever else shares the batch
     * @throws IllegalArgumentException for a prompt that cannot be sampled (empty, no room left in the context) or a
     *     group that does not fit the free slots; nothing is admitted then
     */
    void admit(long ticket, int[] prompt, int groupSize, long seed);

    /** One token for every sequence in flight; the groups whose last sequence ended. */
    List<FinishedGroup<Long>> step();

    /** Drops every sequence in flight (after a failed step) and returns their groups' tickets. */
    List<Long> abandonAll();

    @Override
    void close();
}
