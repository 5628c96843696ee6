package dev.aha.runtime.rollout;

import java.util.Random;

/**
 * Each sequence's own RNG, derived from its group's seed and its sample index: a sequence draws the same tokens
 * whatever else shares the batch, so seeded sampling is reproducible under continuous batching.
 */
final class SequenceSeeds {

    private SequenceSeeds() {}

    static Random of(long groupSeed, int sample) {
        return new Random(mix(groupSeed + 0x9E3779B97F4A7C15L * (sample + 1)));
    }

    /** The seed of group {@code group} of a batch sampled under one {@code seed}. */
    static long ofGroup(long seed, int group) {
        return mix(seed ^ 0xD1B54A32D192ED03L * (group + 1));
    }

    /** SplitMix64's finaliser: nearby seeds give unrelated streams. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
