package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Float16 test arrays and the comparison of a float16 product against its float32 reference. */
final class HalfArrays {

    private HalfArrays() {}

    /** Gaussian values (sd 0.1) rounded to float16, from {@code seed}. */
    static NDArray random16(NDManager manager, Shape shape, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * 0.1);
        }
        return manager.create(v, shape).toType(DataType.FLOAT16, false);
    }

    static void assertClose(float[] expected, NDArray actual) {
        assertEquals(DataType.FLOAT16, actual.getDataType());
        float[] got = actual.toType(DataType.FLOAT32, false).toFloatArray();
        assertEquals(expected.length, got.length);
        for (int i = 0; i < got.length; i++) {
            // one float16 rounding of the same float32 sum; summation order may move it by one unit
            assertEquals(expected[i], got[i], 1e-3f * Math.max(1f, Math.abs(expected[i])), "element " + i);
        }
    }
}
