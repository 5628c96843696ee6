package dev.aha.runtime.backend;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.sampling.Completion;
import java.util.List;
import java.util.Random;

/**
 * A rollout's inference device: it holds a policy replica and samples G completions of a prompt. The real one is
 * the transformer on DJL ({@link TorchGenerator}); the simulated one spends modelled time instead of compute.
 * Used from one thread only (the rollout's pinned thread).
 */
public interface GroupGenerator extends AutoCloseable {

    /** Size of the flat float32 weight image this replica loads. */
    long weightBytes();

    /** Replaces the replica's weights with a complete, verified image (read-only, shared: it only reads it). */
    void loadWeights(FlatWeights flat);

    /** G completions of {@code prompt}, with the behaviour log-prob of every token. */
    List<Completion> sampleGroup(int[] prompt, int groupSize, Random rng);

    @Override
    void close();
}
