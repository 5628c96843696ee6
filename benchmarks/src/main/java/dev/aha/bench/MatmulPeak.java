package dev.aha.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.policy.WeightMath;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BinaryOperator;

/**
 * The attainable peak of this machine at a thread count: the best FLOP/s of one large float32 matmul in DJL's
 * libtorch. The PyTorch side measures the same matmul in its own build; the benchmark's physical limit is the
 * better of the two.
 */
final class MatmulPeak {

    private MatmulPeak() {}

    /** 2 n^3 over the fastest of {@code repeats} n x n products, after one warm-up. */
    static double flops(NDManager manager, int n, int repeats) {
        return Arrays.stream(rates(manager, n, repeats)).max().orElseThrow();
    }

    /** FLOP/s of each of {@code repeats} n x n float32 products on this thread's intra-op threads, after one warm-up. */
    static double[] rates(NDManager manager, int n, int repeats) {
        return rates(manager, n, repeats, DataType.FLOAT32);
    }

    /** The same in {@code type}: what a policy whose weights are stored in it multiplies at. */
    static double[] rates(NDManager manager, int n, int repeats, DataType type) {
        return rates(manager, n, repeats, type, WeightMath::matMul);
    }

    /** The same through the type's own kernel, as a product of few rows runs (see {@link WeightMath#matMul}). */
    static double[] narrowRates(NDManager manager, int n, int repeats, DataType type) {
        return rates(manager, n, repeats, type, NDArray::matMul);
    }

    private static double[] rates(NDManager manager, int n, int repeats, DataType type,
            BinaryOperator<NDArray> product) {
        Random rng = new Random(1);
        float[] values = new float[n * n];
        try (NDManager scope = manager.newSubManager()) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rng.nextGaussian();
            }
            NDArray a = WeightMath.stored(scope.create(values, new Shape(n, n)), type);
            NDArray b = WeightMath.stored(scope.create(values, new Shape(n, n)).transpose().duplicate(), type);
            // bfloat16 products come back in float32, as a policy's do (WeightMath): that cast is n^2 of n^3
            product.apply(a, b).close();
            double[] rates = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                product.apply(a, b).close(); // eager: the product is done when matMul returns
                rates[r] = 2.0 * n * n * (double) n / ((System.nanoTime() - t0) / 1e9);
            }
            return rates;
        }
    }
}
