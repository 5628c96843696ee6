package dev.aha.runtime.rollout;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Groups of completions for a whole list of prompts, decoded together by a {@link ContinuousBatcher}: each prompt
 * prefilled once, its group admitted as soon as slots are free, every active sequence advanced by one batched forward
 * per token. What evaluations and offline sampling use; the KV cache lives for one call.
 */
public final class BatchSampler {

    /** Slots by default: enough rows to turn decode steps into matrix products on a CPU. */
    public static final int DEFAULT_SLOTS = RolloutSettings.CPU_DEFAULT_SEQUENCES;

    private final Policy policy;
    private final SamplingSettings sampling;
    private final int vocabularyLimit;
    private final int[] endIds;
    private final int slots;

    /**
     * @param vocabularyLimit the tokenizer's ids: wider output layers never draw past them
     * @param slots most sequences decoded together
     */
    public BatchSampler(Policy policy, SamplingSettings sampling, int vocabularyLimit, int[] endIds, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, was " + slots);
        }
        this.policy = policy;
        this.sampling = sampling;
        this.vocabularyLimit = vocabularyLimit;
        this.endIds = endIds.clone();
        this.slots = slots;
    }

    /**
     * A group of {@code groupSize} completions for each prompt, in prompt order. Draws are fixed by {@code seed} and
     * the prompt's index, whatever else shares the batch.
     *
     * @param progress told the number of groups done after each one finishes; may be null
     */
    public List<List<Completion>> sample(List<int[]> prompts, int groupSize, long seed, IntConsumer progress) {
        return sample(prompts, groupSize, seed, progress, null);
    }

    /**
     * The same with multi-turn episodes: prompt p's group talks to {@code episodes.apply(p)} (one partner per sample)
     * between its turns; null for single turns.
     */
    public List<List<Completion>> sample(List<int[]> prompts, int groupSize, long seed, IntConsumer progress,
            IntFunction<List<? extends TurnPartner>> episodes) {
        if (groupSize < 1 || groupSize > slots) {
            throw new IllegalArgumentException("a group of " + groupSize + " does not fit " + slots + " slots");
        }
        List<List<Completion>> groups = new ArrayList<>(Collections.nCopies(prompts.size(), List.of()));
        if (prompts.isEmpty()) {
            return groups;
        }
        int rows = Math.min(slots, prompts.size() * groupSize);
        NDManager engine = policy.manager().newSubManager();
        SlotCache cache = SlotCache.allocate(engine, policy.kvShape(), rows, policy.contextLength(),
                activationType(policy));
        try (ContinuousBatcher<Integer> batcher = new ContinuousBatcher<>(policy, cache, engine, sampling,
                vocabularyLimit, endIds)) {
            int next = 0;
            int done = 0;
            while (next < prompts.size() || !batcher.idle()) {
                while (next < prompts.size() && batcher.freeSlots() >= groupSize) {
                    batcher.admit(next, prompts.get(next), groupSize, SequenceSeeds.ofGroup(seed, next),
                            episodes == null ? null : episodes.apply(next));
                    next++;
                }
                for (ContinuousBatcher.FinishedGroup<Integer> f : batcher.step()) {
                    groups.set(f.key(), f.completions());
                    done++;
                    if (progress != null) {
                        progress.accept(done);
                    }
                }
            }
        }
        return groups;
    }

    /** The type of the policy's activations: that of its vector parameters (norm gains), float32 without any. */
    private static DataType activationType(Policy policy) {
        for (PolicyParameter p : policy.parameters()) {
            if (p.shape().dimension() == 1) {
                return p.array().getDataType();
            }
        }
        return DataType.FLOAT32;
    }
}
