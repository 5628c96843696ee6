package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.BlasPath;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.HalfSequenceStep;
import dev.aha.runtime.engine.NativeKernels;

/**
 * The {@code blas} object of every benchmark's JSON: which path libtorch's BLAS took in this process (MKL's generic
 * path on AMD runs matmuls at about half the speed of its AVX-512 one, which moves every figure beside it), and what
 * a {@value #SIZE}^3 float32 matmul measures here at the calling thread's intra-op thread count. Built after the
 * benchmark's own measurements, so the matmul never disturbs them.
 */
public final class BlasSection {

    static final int SIZE = 1024;
    static final int REPEATS = 5;

    private BlasSection() {}

    public static ObjectNode json() {
        ObjectNode out = describe(ComputeThreads.blasPath());
        out.set("matmul_f32", matmul(SIZE, REPEATS));
        return out;
    }

    /** GFLOP/s of {@code repeats} n x n float32 products on this thread's intra-op threads: median, best, each. */
    static ObjectNode matmul(int n, int repeats) {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] rates = MatmulPeak.rates(manager, n, repeats);
            ObjectNode matmul = new ObjectMapper().createObjectNode();
            matmul.put("n", n);
            matmul.put("threads", JniUtils.getNumThreads());
            matmul.put("repeats", repeats);
            matmul.put("median_gflops", gflops(Stats.median(rates)));
            matmul.put("best_gflops", gflops(Stats.max(rates)));
            ArrayNode each = matmul.putArray("gflops");
            for (double rate : rates) {
                each.add(gflops(rate));
            }
            return matmul;
        }
    }

    private static double gflops(double flops) {
        return Math.round(flops / 1e7) / 100.0;
    }

    /** The path's facts, without a measurement. */
    static ObjectNode describe(BlasPath path) {
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("blas", path.blas());
        out.put("path", path.path());
        out.put("cpu", path.cpu());
        out.put("bypass", path.bypass());
        out.put("reason", path.reason());
        path.features().forEach(out.putArray("features")::add);
        // not the BLAS, but the other native path a decode step's products take: one float16 row, whose loop is ours
        out.put("f16_one_row_product", NativeKernels.describe());
        out.put("f16_one_sequence_step", HalfSequenceStep.describe());
        return out;
    }
}
