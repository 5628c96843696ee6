package dev.aha.runtime.backend;

import ai.djl.ndarray.NDManager;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.PolicyConfig;
import dev.aha.runtime.policy.TransformerPolicy;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import java.util.List;
import java.util.Random;

/** The real replica: the transformer sampling with its KV cache, on the calling thread. */
public final class TorchGenerator implements GroupGenerator {

    private final NDManager manager;
    private final TransformerPolicy policy;
    private final Sampler sampler;

    /** Call on the thread that will sample: DJL state is per thread. */
    public TorchGenerator(PolicyConfig config, SamplingSettings sampling, int endId) {
        ComputeThreads.prepare(1);
        this.manager = NDManager.newBaseManager();
        this.policy = TransformerPolicy.create(config, manager);
        this.sampler = new Sampler(policy, sampling, endId);
    }

    @Override
    public long weightBytes() {
        return policy.layout().totalBytes();
    }

    @Override
    public void loadWeights(FlatWeights flat) {
        policy.importWeights(flat.segmentCount() == 1 ? flat.segment(0) : flat.toByteBuffer());
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
