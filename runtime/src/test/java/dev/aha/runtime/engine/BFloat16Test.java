package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BFloat16Test {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** bfloat16 is float32's top 16 bits: rounding to nearest even on the 16 bits dropped. */
    private static float rounded(float x) {
        int bits = Float.floatToRawIntBits(x);
        int lsb = (bits >>> 16) & 1;
        return Float.intBitsToFloat((bits + 0x7FFF + lsb) & 0xFFFF0000);
    }

    private NDArray random(long rows, long cols, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return manager.create(v, new Shape(rows, cols));
    }

    @Test
    void narrowingRoundsToNearestEvenAndWideningIsExact() {
        float[] values = {1f, 1.00390625f, 1.01171875f, -3.14159265f, 65504f, 1e-20f, 0f, 3.3e38f};
        NDArray narrow = BFloat16.narrow(manager.create(values));
        assertTrue(BFloat16.holds(narrow), "DJL holds it as an array of unknown type");
        assertEquals(new Shape(values.length), narrow.getShape());
        float[] back = BFloat16.widen(narrow).toFloatArray();
        for (int i = 0; i < values.length; i++) {
            assertEquals(rounded(values[i]), back[i], 0f, "value " + values[i]);
        }
        assertFalse(BFloat16.holds(manager.create(values)));
    }

    @Test
    void productsMatchFloat32OnTheRoundedOperands() {
        NDArray x = random(5, 64, 1);
        NDArray w = random(48, 64, 2); // [out, in]
        NDArray bias = random(1, 48, 3).reshape(48);
        NDArray w16 = BFloat16.narrow(w);
        // The same product in float32 over bf16-rounded operands: equal up to the rounding of the output to bf16.
        NDArray xr = BFloat16.widen(BFloat16.narrow(x));
        NDArray wr = BFloat16.widen(w16);
        float[] expected = Linear.linear(xr, wr, bias).singletonOrThrow().toFloatArray();
        float[] actual = BFloat16.linear(x, w16, bias).toFloatArray();
        assertClose(expected, actual, 1e-2f);
        float[] product = BFloat16.matMul(x, BFloat16.narrow(wr.transpose())).toFloatArray();
        assertClose(xr.matMul(wr.transpose()).toFloatArray(), product, 1e-2f);
        NDArray ids = manager.create(new int[] {3, 0, 47}, new Shape(1, 3));
        float[] rows = BFloat16.embedding(ids, w16).toFloatArray();
        assertArrayEquals(wr.get("3").toFloatArray(), java.util.Arrays.copyOfRange(rows, 0, 64));
        assertArrayEquals(wr.get("47").toFloatArray(), java.util.Arrays.copyOfRange(rows, 128, 192));
        assertEquals(DataType.FLOAT32, BFloat16.linear(x, w16, null).getDataType());
    }

    @Test
    void copyIntoOverwritesInPlaceAndRefusesOtherTypes() {
        NDArray target = BFloat16.narrow(manager.zeros(new Shape(2, 3)));
        NDArray source = manager.create(new float[] {1.5f, -2f, 3.1f, 4f, 5f, 6.7f}, new Shape(2, 3));
        BFloat16.copyInto(target, source);
        float[] back = BFloat16.widen(target).toFloatArray();
        assertEquals(rounded(3.1f), back[2], 0f);
        assertEquals(rounded(6.7f), back[5], 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BFloat16.copyInto(manager.zeros(new Shape(2, 3)), source));
        assertEquals("copyInto writes bfloat16 arrays, not float32", e.getMessage());
    }

    /** Every array a method returns lives in the manager of the activation passed in, as the policies need. */
    @Test
    void resultsLandInTheActivationsManager() {
        NDArray w16 = BFloat16.narrow(random(8, 4, 4));
        NDArray y;
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(new float[] {1, 2, 3, 4}, new Shape(1, 4));
            y = BFloat16.linear(x, w16, null);
            assertEquals(scope, y.getManager());
        }
        assertThrows(IllegalStateException.class, y::toFloatArray, "closed with its scope");
    }

    /**
     * Products are ordinary tensors: updated in place, and a frozen bfloat16 weight passes the gradient on to the
     * activation (as a bf16 base under adapters needs), dL/dx = dL/dy W.
     */
    @Test
    void aFrozenBfloat16WeightPassesTheGradientOnToItsInput() {
        NDArray w = random(3, 4, 5);
        NDArray w16 = BFloat16.narrow(w);
        NDArray x = random(2, 4, 6);
        x.setRequiresGradient(true);
        try (ai.djl.training.GradientCollector collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            NDArray y = BFloat16.linear(x, w16, null);
            y.addi(0f); // in place: not an inference-mode tensor
            collector.backward(y.sum());
        }
        // d sum(x W^T) / dx = ones(2, 3) W = the column sums of W, rounded to bfloat16 at the product
        float[] expected = manager.ones(new Shape(2, 3)).matMul(BFloat16.widen(w16)).toFloatArray();
        assertClose(expected, x.getGradient().toFloatArray(), 1e-2f);
    }

    private static void assertClose(float[] expected, float[] actual, float relative) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * Math.max(1f, Math.abs(expected[i])), "element " + i);
        }
    }
}
