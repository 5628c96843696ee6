package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;

/**
 * Keys and values of every layer for the positions decoded so far, so that each new token costs one incremental
 * forward. The arrays live in the manager of the prompt given to {@link Policy#prefill}; each append
 * replaces (and closes) the previous arrays, so a sampling session holds one copy per layer at a time.
 */
public final class KvCache {

    private final NDArray[] keys;
    private final NDArray[] values;
    private NDArray lastLogits;
    private int length;

    public KvCache(int layers) {
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
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
    public NDArray append(int layer, NDArray newKeys, NDArray newValues) {
        if (keys[layer] == null) {
            keys[layer] = newKeys;
            values[layer] = newValues;
        } else {
            // concat's result belongs to the first operand's manager: the cache's, not the step's.
            NDArray k = keys[layer].concat(newKeys, 2);
            NDArray v = values[layer].concat(newValues, 2);
            keys[layer].close();
            values[layer].close();
            keys[layer] = k;
            values[layer] = v;
        }
        if (layer == keys.length - 1) {
            length = Math.toIntExact(keys[layer].getShape().get(2));
        }
        return keys[layer];
    }

    public NDArray values(int layer) {
        return values[layer];
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
        }
    }
}
