package dev.aha.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The memory bandwidth a decode step can draw on: bytes per second that libtorch reads when it sums an array far
 * larger than the caches, on this thread's intra-op threads. A decode step at small batch reads every weight once,
 * so this over the weights' bytes bounds its speed.
 */
final class MemoryBandwidth {

    private MemoryBandwidth() {}

    /** Read bytes per second of each of {@code repeats} sums of {@code bytes}, after one warm-up. */
    static double[] readRates(NDManager manager, long bytes, int repeats) {
        long floats = bytes / Float.BYTES;
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.ones(new Shape(floats), DataType.FLOAT32);
            a.sum().getFloat();
            double[] rates = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                a.sum().getFloat();
                rates[r] = floats * (double) Float.BYTES / ((System.nanoTime() - t0) / 1e9);
            }
            return rates;
        }
    }
}
