package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.aha.runtime.policy.WeightMath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Float16Test {

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

    private NDArray random16(Shape shape, long seed) {
        return HalfArrays.random16(manager, shape, seed);
    }

    /** The exact float32 product of the float16 values, rounded once to float16. */
    private static float[] reference(NDArray x, NDArray w, NDArray b, boolean stored) {
        NDArray x32 = x.toType(DataType.FLOAT32, false);
        NDArray w32 = w.toType(DataType.FLOAT32, false);
        NDArray y = stored ? Linear.linear(x32, w32, b == null ? null : b.toType(DataType.FLOAT32, false))
                .singletonOrThrow() : x32.matMul(w32);
        return y.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
    }

    @Test
    void manyRowsWidenTheWeightAndAFewRowsKeepTheFloat16Kernel() {
        NDArray w = random16(new Shape(40, 24), 1);
        assertFalse(Float16.widens(random16(new Shape(1, Float16.WIDEN_FROM_ROWS - 1, 24), 2), w));
        assertTrue(Float16.widens(random16(new Shape(2, Float16.WIDEN_FROM_ROWS, 24), 3), w));
        assertFalse(Float16.widens(random16(new Shape(64, 24), 4), w.toType(DataType.FLOAT32, false)),
                "float32 weights multiply as they are");
    }

    @Test
    void aWidenedLinearIsTheFloat32ProductRoundedOnce() {
        NDArray x = random16(new Shape(2, 8, 24), 5);
        NDArray w = random16(new Shape(40, 24), 6);
        NDArray b = random16(new Shape(40), 7);
        NDArray y = WeightMath.linear(x, w, b);
        assertEquals(new Shape(2, 8, 40), y.getShape());
        HalfArrays.assertClose(reference(x, w, b, true), y);
        HalfArrays.assertClose(reference(x, w, null, true), Float16.widenedLinear(x, w, null));
    }

    @Test
    void aWeightLargerThanTheScratchIsWidenedInSlices() {
        long in = 64;
        long out = Float16.SCRATCH_ELEMENTS / in + 1000; // two slices: a full one and a short one
        NDArray x = random16(new Shape(8, in), 8);
        NDArray w = random16(new Shape(out, in), 9);
        NDArray y = Float16.widenedLinear(x, w, null);
        assertEquals(new Shape(8, out), y.getShape());
        HalfArrays.assertClose(reference(x, w, null, true), y);

        NDArray columns = random16(new Shape(in, out), 10); // [in, out], sliced along its columns
        NDArray z = WeightMath.matMul(x, columns);
        assertEquals(new Shape(8, out), z.getShape());
        HalfArrays.assertClose(reference(x, columns, null, false), z);
    }

    @Test
    void theScratchBufferBelongsToTheWeightsManager() {
        NDArray x = random16(new Shape(8, 24), 11);
        try (NDManager policy = manager.newSubManager()) {
            NDArray w = random16(new Shape(40, 24), 12);
            w.attach(policy);
            HalfArrays.assertClose(reference(x, w, null, true), Float16.widenedLinear(x, w, null));
        } // the scratch is freed with it; the next product makes another
        NDArray w = random16(new Shape(40, 24), 13);
        HalfArrays.assertClose(reference(x, w, null, true), Float16.widenedLinear(x, w, null));
    }
}
