package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the positions decoded so far, so that each new token costs one incremental
 * forward. Each layer's keys and values live in a buffer (B, h, capacity, hd) that new positions are written into in
 * place; the layer sees a view of its first {@link #length} positions. Growing by concatenation instead copies the
 * whole cache at every token (measured: a fifth of the sampling time of the built-in GPT at 144 positions); here the
 * buffer doubles when full (at most to {@code maxPositions}), so a completion's positions are copied O(1) times each.
 *
 * <p>The buffers live in the manager of the prompt given to {@link Policy#prefill} (the first keys' manager); views
 * handed out are closed when the next append replaces them, so a sampling session holds one buffer per layer.
 */
public final class KvCache implements LayerCache {

    /** Positions a fresh buffer holds at least: a short prompt then starts decoding without a regrowth. */
    private static final int MIN_CAPACITY = 64;

    private final NDArray[] keys;
    private final NDArray[] values;
    private final NDArray[] keyViews;
    private final NDArray[] valueViews;
    private final int maxPositions;
    private NDArray lastLogits;
    private int length;

    /** @param maxPositions the policy's context: no buffer grows past it */
    public KvCache(int layers, int maxPositions) {
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.keyViews = new NDArray[layers];
        this.valueViews = new NDArray[layers];
        this.maxPositions = maxPositions;
    }

    /** Positions cached so far. */
    public int length() {
        return length;
    }

    /** Logits for the position after the prompt, set by prefill: (batch, V). */
    public NDArray lastLogits() {
        return lastLogits;
    }

    public void setLastLogits(NDArray logits) {
        this.lastLogits = logits;
    }

    /**
     * Appends one layer's new keys and values (B, h, T, hd) and returns the layer's full keys (B, h, S, hd).
     * Positions advance after the last layer appends.
     */
    @Override
    public NDArray append(int layer, NDArray newKeys, NDArray newValues) {
        int from = length;
        int to = from + Math.toIntExact(newKeys.getShape().get(2));
        keys[layer] = fit(keys[layer], newKeys, from, to);
        values[layer] = fit(values[layer], newValues, from, to);
        NDIndex written = positions(from, to);
        keys[layer].set(written, newKeys);
        values[layer].set(written, newValues);
        view(layer, to);
        if (layer == keys.length - 1) {
            length = to;
        }
        return keyViews[layer];
    }

    @Override
    public NDArray values(int layer) {
        return valueViews[layer];
    }

    /** One layer's keys so far, (B, h, length, hd): what a slot cache copies when it admits a prefilled prompt. */
    public NDArray keys(int layer) {
        return keyViews[layer];
    }

    /** After a prefill of one prompt: the same keys and values for each of {@code batch} completions. */
    public void repeatBatch(int batch) {
        if (batch == 1) {
            return;
        }
        for (int l = 0; l < keys.length; l++) {
            NDArray k = keys[l].repeat(0, batch);
            NDArray v = values[l].repeat(0, batch);
            keys[l].close();
            values[l].close();
            keys[l] = k;
            values[l] = v;
            view(l, length);
        }
    }

    /** {@code buffer}, or a larger one holding its first {@code from} positions, with room up to {@code to}. */
    private NDArray fit(NDArray buffer, NDArray incoming, int from, int to) {
        long capacity = buffer == null ? 0 : buffer.getShape().get(2);
        if (to <= capacity) {
            return buffer;
        }
        int grown = Math.max(to, Math.min(maxPositions, Math.max(MIN_CAPACITY, 2 * (int) capacity)));
        Shape s = incoming.getShape();
        // In the old buffer's manager (or, at prefill, the prompt's): never the step's, which closes after the step.
        NDArray larger = (buffer == null ? incoming : buffer).getManager()
                .zeros(new Shape(s.get(0), s.get(1), grown, s.get(3)), incoming.getDataType());
        if (buffer != null) {
            try (NDArray kept = buffer.get(positions(0, from))) {
                larger.set(positions(0, from), kept);
            }
            buffer.close();
        }
        return larger;
    }

    private void view(int layer, int positions) {
        if (keyViews[layer] != null) {
            keyViews[layer].close(); // a view: closing it leaves the buffer's memory alone
            valueViews[layer].close();
        }
        keyViews[layer] = keys[layer].get(positions(0, positions));
        valueViews[layer] = values[layer].get(positions(0, positions));
    }

    private static NDIndex positions(int from, int to) {
        return new NDIndex().addAllDim(2).addSliceDim(from, to);
    }
}
