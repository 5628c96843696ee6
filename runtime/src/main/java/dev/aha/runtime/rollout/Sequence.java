package dev.aha.runtime.rollout;

import dev.aha.runtime.sampling.Completion;
import java.util.Arrays;
import java.util.Random;

/** One sequence in flight: sample {@code index} of its group, with what it has drawn so far. */
final class Sequence<K> {

    final Group<K> group;
    final int index;
    final Random rng;
    private final int[] tokens;
    private final float[] logProbs;
    private final long[] versions;
    private int length;

    Sequence(Group<K> group, int index, int maxNew, Random rng) {
        this.group = group;
        this.index = index;
        this.rng = rng;
        this.tokens = new int[maxNew];
        this.logProbs = new float[maxNew];
        this.versions = new long[maxNew];
    }

    void record(int token, float logProb, long version) {
        tokens[length] = token;
        logProbs[length] = logProb;
        versions[length] = version;
        length++;
    }

    /** No room for another token: the sampling limit or the slot's capacity. */
    boolean full() {
        return length == tokens.length;
    }

    int lastToken() {
        return tokens[length - 1];
    }

    Completion toCompletion(boolean endedOnEndToken) {
        return new Completion(Arrays.copyOf(tokens, length), Arrays.copyOf(logProbs, length),
                Arrays.copyOf(versions, length), endedOnEndToken);
    }
}
