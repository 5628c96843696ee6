package dev.aha.runtime.backend;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.runtime.engine.BFloat16;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.SlotCache;
import dev.aha.runtime.policy.WeightMath;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.policy.lora.RolloutAdapters;
import dev.aha.runtime.policy.lora.SharedBase;
import dev.aha.runtime.rollout.ContinuousBatcher;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import dev.aha.runtime.rollout.TurnPartner;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.List;

/**
 * The real replica: the policy, in the rollout's dtype, decoding up to {@code slots} sequences per batched step over
 * one KV cache allocated here, once. Under LoRA it takes a base and then each version's adapters
 * ({@link RolloutAdapters}), which stay float32 whatever the dtype.
 */
public final class TorchRolloutEngine implements RolloutEngine {

    private final NDManager manager;
    private final Policy policy;
    private final RolloutAdapters lora;
    private final ContinuousBatcher<Long> batcher;
    /** Decodes over the learner's own base: takes no base from the weight plane. */
    private final boolean sharesBase;

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
        this(factory, device, type, slots, threads, sampling, vocabularyLimit, endIds, LoraSettings.OFF,
                LoraApply.MERGED);
    }

    /**
     * The same under LoRA when {@code lora} is on ({@code aha.lora.rank > 0}): a base and adapters, applied as
     * {@code apply} says.
     */
    public TorchRolloutEngine(PolicyFactory factory, Device device, DataType type, int slots, int threads,
            SamplingSettings sampling, int vocabularyLimit, int[] endIds, LoraSettings lora, LoraApply apply) {
        this(factory, device, type, slots, threads, sampling, vocabularyLimit, endIds, lora, apply, null);
    }

    /**
     * Under {@code aha.lora.rollout-apply = shared}: decodes over {@code shared}, the learner's own frozen base in this
     * JVM (no replica of it), with each version's adapters beside it. Its weights are of the base's type.
     */
    public static TorchRolloutEngine overSharedBase(PolicyFactory factory, Device device, SharedBase.Offer shared,
            int slots, int threads, SamplingSettings sampling, int vocabularyLimit, int[] endIds, LoraSettings lora) {
        return new TorchRolloutEngine(factory, device, null, slots, threads, sampling, vocabularyLimit, endIds, lora,
                LoraApply.SHARED, shared);
    }

    private TorchRolloutEngine(PolicyFactory factory, Device device, DataType type, int slots, int threads,
            SamplingSettings sampling, int vocabularyLimit, int[] endIds, LoraSettings lora, LoraApply apply,
            SharedBase.Offer shared) {
        // without LoRA there is no base to share, whatever aha.lora.rollout-apply says
        if (lora.enabled() && (apply == LoraApply.SHARED) != (shared != null) || shared != null && !lora.enabled()) {
            throw new IllegalArgumentException("aha.lora.rollout-apply = shared decodes over the learner's base under "
                    + "LoRA, and only so");
        }
        ComputeThreads.prepare(threads);
        this.sharesBase = shared != null;
        this.manager = NDManager.newBaseManager(device);
        try {
            if (shared != null) {
                this.policy = factory.sharing(manager, shared.base());
                this.lora = RolloutAdapters.overShared(policy, lora, shared.sha256());
            } else {
                this.policy = factory.blank(manager, type);
                this.lora = lora.enabled() ? RolloutAdapters.over(policy, lora, apply) : null;
            }
            DataType stored = shared != null ? storedType(policy) : type;
            NDManager engine = manager.newSubManager();
            SlotCache cache = SlotCache.allocate(engine, factory.kvShape(), slots, factory.contextLength(),
                    WeightMath.activationType(stored));
            this.batcher = new ContinuousBatcher<>(this.lora != null ? this.lora.sampler() : policy, cache, engine,
                    sampling, vocabularyLimit, endIds);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The type a policy's matrices are stored in (DJL holds bfloat16 arrays as of unknown type). */
    private static DataType storedType(Policy policy) {
        for (PolicyParameter p : policy.parameters()) {
            if (p.shape().dimension() == 2) {
                return BFloat16.holds(p.array()) ? DataType.BFLOAT16 : p.array().getDataType();
            }
        }
        return DataType.FLOAT32;
    }

    @Override
    public long weightBytes() {
        return sharesBase ? 0 : policy.layout().totalBytes();
    }

    @Override
    public void loadWeights(FlatWeights flat, long version) {
        if (lora != null) {
            throw new IllegalStateException("this rollout takes a LoRA base and adapters, not a whole policy");
        }
        policy.importWeights(flat);
        batcher.setVersion(version);
    }

    @Override
    public long adapterBytes() {
        return lora == null ? 0 : lora.adapterBytes();
    }

    @Override
    public boolean awaitsBase() {
        return lora != null && !lora.hasBase();
    }

    @Override
    public String refusal(SnapshotLabel label) {
        return lora == null ? RolloutEngine.super.refusal(label) : lora.refusal(label);
    }

    @Override
    public void loadBase(FlatWeights base, String sha256) {
        if (lora == null) {
            RolloutEngine.super.loadBase(base, sha256);
        }
        lora.loadBase(base, sha256);
    }

    @Override
    public void loadAdapters(FlatWeights adapters, long version) {
        if (lora == null) {
            RolloutEngine.super.loadAdapters(adapters, version);
        }
        lora.loadAdapters(adapters);
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
    public void admit(long ticket, int[] prompt, int groupSize, long seed, List<? extends TurnPartner> episodes) {
        batcher.admit(ticket, prompt, groupSize, seed, episodes);
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
        if (lora != null) {
            lora.close();
        }
        policy.close();
        manager.close();
    }
}
