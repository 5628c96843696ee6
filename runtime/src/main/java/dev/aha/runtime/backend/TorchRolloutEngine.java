package dev.aha.runtime.backend;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.policy.WeightMath;
import dev.aha.runtime.rollout.ContinuousBatcher;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.List;

/**
 * The real replica: the policy, in the rollout's dtype, decoding up to {@code slots} sequences per batched step over
 * one KV cache allocated here, once.
 */
public final class TorchRolloutEngine implements RolloutEngine {

    private final NDManager manager;
    private final Policy policy;
    private final ContinuousBatcher<Long> batcher;

    /**
     * Call on the thread that will sample: DJL state is per thread. The replica starts blank; the weight plane fills
     * it before it samples.
     *
     * @param slots sequences decoded together; each slot holds the policy's whole context
     * @param threads libtorch intra-op threads of this (the calling) thread
     * @param vocabularyLimit the tokenizer's ids: wider output layers never draw past them
     */
    public TorchRolloutEngine(PolicyFactory factory, Device device, DataType type, int slots, int threads,
            SamplingSettings sampling, int vocabularyLimit, int[] endIds) {
        ComputeThreads.prepare(threads);
        this.manager = NDManager.newBaseManager(device);
        this.policy = factory.blank(manager, type);
        NDManager engine = manager.newSubManager();
        SlotCache cache = SlotCache.allocate(engine, factory.kvShape(), slots, factory.contextLength(),
                WeightMath.activationType(type));
        this.batcher = new ContinuousBatcher<>(policy, cache, engine, sampling, vocabularyLimit, endIds);
    }

    @Override
    public long weightBytes() {
        return policy.layout().totalBytes();
    }

    @Override
    public void loadWeights(FlatWeights flat, long version) {
        policy.importWeights(flat);
        batcher.setVersion(version);
    }

    @Override
    public int maxSequences() {
        return batcher.maxSequences();
    }

    @Override
    public int freeSlots() {
        return batcher.freeSlots();
    }

    @Override
    public boolean idle() {
        return batcher.idle();
    }

    @Override
    public void admit(long ticket, int[] prompt, int groupSize, long seed) {
        batcher.admit(ticket, prompt, groupSize, seed);
    }

    @Override
    public List<FinishedGroup<Long>> step() {
        return batcher.step();
    }

    @Override
    public List<Long> abandonAll() {
        return batcher.abandonAll();
    }

    @Override
    public void close() {
        batcher.close();
        policy.close();
        manager.close();
    }
}
