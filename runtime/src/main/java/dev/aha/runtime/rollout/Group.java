package dev.aha.runtime.rollout;

import dev.aha.runtime.sampling.Completion;
import java.util.Arrays;
import java.util.List;

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

    /** Records sample {@code index}; adds the finished group to {@code finished} when it was the last one. */
    void complete(int index, Completion completion, List<ContinuousBatcher.FinishedGroup<K>> finished) {
        if (completions[index] != null) {
            throw new IllegalStateException("sample " + index + " of a group completed twice");
        }
        completions[index] = completion;
        remaining--;
        if (remaining == 0) {
            finished.add(new ContinuousBatcher.FinishedGroup<>(key, Arrays.asList(completions)));
        }
    }
}
