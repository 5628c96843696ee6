package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;

/**
 * Where an incremental forward keeps each layer's keys and values: a {@link KvCache} (positions shared by every row,
 * as in one group's prefill) or a {@link SlotCache} (each row a sequence at its own position).
 */
public interface LayerCache {

    /**
     * Stores one layer's new keys and values (B, kv heads, T, head dim) and returns every key the new queries attend
     * to, (B, kv heads, S, head dim).
     */
    NDArray append(int layer, NDArray keys, NDArray values);

    /** The values that go with the keys {@link #append} returned for {@code layer}. */
    NDArray values(int layer);
}
