package dev.aha.runtime.policy;

import ai.djl.ndarray.types.DataType;

/**
 * What one cached position of one sequence holds: keys and values of {@code kvHeads} heads of {@code headDim} in
 * each of {@code layers} layers. Known from a model's sizes alone, so a KV cache can be sized (and refused) before any
 * weights load.
 */
public record KvShape(int layers, int kvHeads, int headDim) {

    public KvShape {
        if (layers <= 0 || kvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("KV shape sizes must be positive: layers " + layers + ", kv heads "
                    + kvHeads + ", head dim " + headDim);
        }
    }

    /** Bytes of keys and values for {@code sequences} sequences of {@code positions} positions each. */
    public long bytes(int sequences, int positions, DataType type) {
        return 2L * layers * sequences * kvHeads * (long) positions * headDim * type.getNumOfBytes();
    }
}
