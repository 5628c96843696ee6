package dev.aha.bench;

import ai.djl.ndarray.types.DataType;
import dev.aha.runtime.policy.WeightMath;
import dev.aha.runtime.policy.llama.LlamaConfig;

/**
 * The least time a piece of work can take on this machine: the slower of moving its bytes at the measured read
 * bandwidth and doing its FLOPs at the measured matmul peak.
 *
 * @param bound {@code memory} or {@code compute}: which of the two sets the time
 */
record Roofline(double bytes, double flops, double seconds, String bound) {

    static Roofline of(double bytes, double flops, double bandwidth, double peak) {
        double memory = bytes / bandwidth;
        double compute = flops / peak;
        return new Roofline(bytes, flops, Math.max(memory, compute), memory >= compute ? "memory" : "compute");
    }

    /**
     * One decode step of {@code sequences} rows: every weight read once in {@code type}, and each row's cached keys
     * and values over {@code keys} positions (float32 under bfloat16 weights); FLOPs as {@link ModelFlops} counts them.
     */
    static Roofline decodeStep(LlamaConfig c, DataType type, int sequences, double keys, double bandwidth,
            double peak) {
        double weights = (double) c.layout().totalElements() * type.getNumOfBytes();
        double cache = 2.0 * c.numHiddenLayers() * c.numKeyValueHeads() * c.headDim() * keys * sequences
                * WeightMath.activationType(type).getNumOfBytes();
        double flops = ModelFlops.of(c).forward(sequences, 1, Math.round(keys), 1);
        return of(weights + cache, flops, bandwidth, peak);
    }
}
