package dev.aha.runtime.backend;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.List;
import java.util.Random;

/** The real replica: the policy sampling with its KV cache, on the calling thread. */
public final class TorchGenerator implements GroupGenerator {

    private final NDManager manager;
    private final Policy policy;
    private final Sampler sampler;

    /**
     * Call on the thread that will sample: DJL state is per thread. The replica starts blank; the weight plane
     * fills it before it samples.
     *
     * @param vocabularyLimit the tokenizer's ids: wider output layers never draw past them
     */
    public TorchGenerator(PolicyFactory factory, Device device, SamplingSettings sampling, int vocabularyLimit, int[] endIds) {
        ComputeThreads.prepare(1);
        this.manager = NDManager.newBaseManager(device);
        this.policy = factory.blank(manager);
        this.sampler = new Sampler(policy, sampling, vocabularyLimit, endIds);
    }

    @Override
    public long weightBytes() {
        return policy.layout().totalBytes();
    }

    @Override
    public void loadWeights(FlatWeights flat) {
        policy.importWeights(flat);
    }

    @Override
    public List<Completion> sampleGroup(int[] prompt, int groupSize, Random rng) {
        return sampler.sampleGroup(prompt, groupSize, rng);
    }

    @Override
    public void close() {
        policy.close();
        manager.close();
    }
}
