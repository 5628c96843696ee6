package dev.aha.runtime.rollout;

import dev.aha.runtime.sampling.Completion;
import java.util.Arrays;

/** The G sequences of one prompt: the group is done when its last sequence ends. */
final class Group<K> {

    private final K key;
    private final Completion[] completions;
    private int remaining;

    Group(K key, int size) {
        this.key = key;
        this.completions = new Completion[size];
        this.remaining = size;
    }

    K key() {
        return key;
    }

    /** Records sample {@code index}; returns the finished group when it was the last one, else null. */
    ContinuousBatcher.FinishedGroup<K> complete(int index, Completion completion) {
        if (completions[index] != null) {
            throw new IllegalStateException("sample " + index + " of a group completed twice");
        }
        completions[index] = completion;
        remaining--;
        return remaining == 0 ? new ContinuousBatcher.FinishedGroup<>(key, Arrays.asList(completions)) : null;
    }
}
