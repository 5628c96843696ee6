package dev.aha.runtime.backend;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotKind;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import dev.aha.runtime.rollout.TurnPartner;
import java.util.List;

/**
 * A rollout's inference device: a policy replica that decodes many sequences at once. Groups are admitted while
 * slots are free; each {@link #step} draws one token for every sequence in flight and returns the groups that
 * finished. The real one is the transformer on DJL ({@link TorchRolloutEngine}); the simulated one spends modelled
 * time instead of compute. Used from one thread only (the rollout's pinned thread).
 */
public interface RolloutEngine extends AutoCloseable {

    /**
     * Size of the flat weight snapshot this replica loads: the whole policy, or under LoRA its base; 0 when it loads
     * none (it decodes over the learner's base in the same JVM and takes adapters alone).
     */
    long weightBytes();

    /**
     * Replaces the replica's weights with a complete, verified snapshot. Sequences in flight keep their cached keys
     * and values and continue under the new weights; tokens drawn from now on record {@code version}.
     */
    void loadWeights(FlatWeights flat, long version);

    /** Under LoRA, the size of the adapters' image this replica applies each version; 0 when it loads whole ones. */
    default long adapterBytes() {
        return 0;
    }

    /** Under LoRA, true until a base is loaded: adapters wait for it. */
    default boolean awaitsBase() {
        return false;
    }

    /** Why this replica will not take a snapshot labelled {@code label}, in one line; null when it will. */
    default String refusal(SnapshotLabel label) {
        return label.kind() == SnapshotKind.FULL ? null
                : "this rollout takes whole policies (aha.lora.rank = 0 here): every node must share aha.lora";
    }

    /** Under LoRA, loads the base of SHA-256 {@code sha256}; nothing samples from it before adapters come. */
    default void loadBase(FlatWeights base, String sha256) {
        throw new UnsupportedOperationException("this rollout engine takes whole policies only");
    }

    /**
     * Under LoRA, applies a version's adapters, which {@link #refusal} passed, to the base: as {@link #loadWeights},
     * sequences in flight continue under them and tokens drawn from now on record {@code version}.
     */
    default void loadAdapters(FlatWeights adapters, long version) {
        throw new UnsupportedOperationException("this rollout engine takes whole policies only");
    }

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

    /**
     * The same for a group of multi-turn episodes: sample g talks to {@code episodes.get(g)} between its turns.
     *
     * @param episodes one per sample, or null for single-turn sequences
     */
    default void admit(long ticket, int[] prompt, int groupSize, long seed, List<? extends TurnPartner> episodes) {
        if (episodes != null) {
            throw new UnsupportedOperationException("this rollout engine samples single turns only");
        }
        admit(ticket, prompt, groupSize, seed);
    }

    /** One token for every sequence in flight; the groups whose last sequence ended. */
    List<FinishedGroup<Long>> step();

    /** Drops every sequence in flight (after a failed step) and returns their groups' tickets. */
    List<Long> abandonAll();

    @Override
    void close();
}
