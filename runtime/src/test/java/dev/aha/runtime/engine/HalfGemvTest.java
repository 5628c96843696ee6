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
import ai.djl.pytorch.jni.JniUtils;
import dev.aha.runtime.policy.WeightMath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HalfGemvTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(2);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        ComputeThreads.prepare(1);
        manager.close();
    }

    private NDArray random16(Shape shape, long seed) {
        return HalfArrays.random16(manager, shape, seed);
    }

    /** The float32 product of the float16 values (plus bias), rounded once to float16. */
    private static float[] reference(NDArray x, NDArray w, NDArray b) {
        NDArray y = Linear.linear(x.toType(DataType.FLOAT32, false), w.toType(DataType.FLOAT32, false),
                b == null ? null : b.toType(DataType.FLOAT32, false)).singletonOrThrow();
        return y.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
    }

    @Test
    void theKernelsAreBuiltAndLoadedOnLinuxX86WithAvx512() {
        boolean x86 = System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");
        if (x86 && CpuInfo.read().has("avx512f") && System.getenv(NativeKernels.SWITCH) == null) {
            assertTrue(NativeKernels.available(), "libaha_kernels.so is missing or failed to load ("
                    + NativeKernels.describe() + "): the runtime module's build needs a C compiler (cc)");
            assertTrue(NativeKernels.describe().startsWith("aha f16 gemv"), NativeKernels.describe());
            assertTrue(NativeKernels.describe().contains("libtorch's OpenMP threads"), NativeKernels.describe());
        }
    }

    @Test
    void oneRowIsTheFloat32ProductRoundedOnceWithOddSizesAndBias() {
        // 203 rows: not a multiple of the kernel's 8-row blocks; 77 columns: not a multiple of its vector width
        NDArray w = random16(new Shape(203, 77), 1);
        NDArray b = random16(new Shape(203), 2);
        NDArray x = random16(new Shape(1, 1, 77), 3);
        assertTrue(HalfGemv.applies(x, w, b) || !NativeKernels.available());
        NDArray y = WeightMath.linear(x, w, b);
        assertEquals(new Shape(1, 1, 203), y.getShape());
        HalfArrays.assertClose(reference(x, w, b), y);
        NDArray flat = WeightMath.linear(x.reshape(77), w, null);
        assertEquals(new Shape(203), flat.getShape());
        HalfArrays.assertClose(reference(x, w, null), flat);
    }

    @Test
    void aModelSizedRowMatchesToo() {
        NDArray w = random16(new Shape(1152, 896), 4);
        NDArray x = random16(new Shape(1, 896), 5);
        HalfArrays.assertClose(reference(x, w, null), WeightMath.linear(x, w, null));
    }

    /** rmsNorm(x) * norm as the unfused ops compute it: in float32, rounded to float16, times the weight. */
    private static NDArray normed(NDArray x, NDArray norm, float eps) {
        NDArray x32 = x.toType(DataType.FLOAT32, false);
        NDArray variance = x32.square().mean(new int[] {-1}, true);
        return x32.div(variance.add(eps).sqrt()).toType(DataType.FLOAT16, false).mul(norm);
    }

    @Test
    void normAndSeveralWeightsInOneCallStackTheProductsOfTheNormedRow() {
        NDArray x = random16(new Shape(1, 1, 96), 20).mul(30); // far from unit scale, so the norm matters
        NDArray norm = random16(new Shape(96), 21).add(1);
        NDArray q = random16(new Shape(96, 96), 22);
        NDArray k = random16(new Shape(24, 96), 23);
        NDArray v = random16(new Shape(24, 96), 24);
        NDArray qBias = random16(new Shape(96), 25);
        assertTrue(HalfGemv.appliesNormed(x, norm, q, k, v));
        NDArray qkv = HalfGemv.normLinear(x, norm, 1e-6f, new NDArray[] {q, k, v}, new NDArray[] {qBias, null, null});
        assertEquals(new Shape(1, 1, 144), qkv.getShape());
        NDArray n = normed(x, norm, 1e-6f);
        float[] expected = reference(n, q.concat(k).concat(v), qBias.concat(manager.zeros(new Shape(48),
                DataType.FLOAT16)));
        HalfArrays.assertClose(expected, qkv);
        assertThrows(IllegalArgumentException.class, () -> HalfGemv.normLinear(x, norm, 1e-6f, new NDArray[] {q},
                new NDArray[] {random16(new Shape(95), 26)}), "a bias of the wrong size");
    }

    @Test
    void theGatedCallIsSiluOfTheGateTimesUpOfTheNormedRow() {
        NDArray x = random16(new Shape(1, 1, 64), 30).mul(8);
        NDArray norm = random16(new Shape(64), 31).add(1);
        NDArray gate = random16(new Shape(200, 64), 32).mul(10); // gate values around +-3: silu's curved part
        NDArray up = random16(new Shape(200, 64), 33);
        assertTrue(HalfGemv.appliesNormed(x, norm, gate, up));
        NDArray h = HalfGemv.normGated(x, norm, 1e-6f, gate, up);
        assertEquals(new Shape(1, 1, 200), h.getShape());
        NDArray n = normed(x, norm, 1e-6f);
        NDArray g = Linear.linear(n, gate, null).singletonOrThrow();
        NDArray u = Linear.linear(n, up, null).singletonOrThrow();
        NDArray unfused = g.mul(ai.djl.nn.Activation.sigmoid(g)).mul(u);
        float[] expected = unfused.toType(DataType.FLOAT32, false).toFloatArray();
        float[] got = h.toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < got.length; i++) {
            // each of four roundings may land one unit apart after a different summation order
            assertEquals(expected[i], got[i], 4e-3f * Math.max(1f, Math.abs(expected[i])), "element " + i);
        }
        assertFalse(HalfGemv.appliesNormed(x, random16(new Shape(63), 34), gate, up), "a norm of the wrong size");
    }

    @Test
    void theResultDoesNotDependOnTheThreadCount() {
        NDArray w = random16(new Shape(1000, 136), 6);
        NDArray x = random16(new Shape(1, 136), 7);
        ComputeThreads.prepare(1);
        float[] one = HalfGemv.linear(x, w, null).toType(DataType.FLOAT32, false).toFloatArray();
        ComputeThreads.prepare(2);
        float[] two = HalfGemv.linear(x, w, null).toType(DataType.FLOAT32, false).toFloatArray();
        assertArrayEquals(one, two);
    }

    @Test
    void manyRowsOtherTypesAndAutogradStayWithLibtorch() {
        NDArray w = random16(new Shape(64, 32), 8);
        assertFalse(HalfGemv.applies(random16(new Shape(2, 32), 9), w, null), "two rows");
        assertFalse(HalfGemv.applies(random16(new Shape(1, 32), 9).toType(DataType.FLOAT32, false),
                w.toType(DataType.FLOAT32, false), null), "float32");
        assertFalse(HalfGemv.applies(random16(new Shape(1, 31), 9), random16(new Shape(64, 31), 9),
                random16(new Shape(63), 9)), "a bias of the wrong size");
        JniUtils.setGradMode(true);
        try {
            assertFalse(HalfGemv.applies(random16(new Shape(1, 32), 9), w, null), "recording gradients");
        } finally {
            JniUtils.setGradMode(false);
        }
    }

    @Test
    void aNonContiguousRowIsReadThroughACopy() {
        NDArray w = random16(new Shape(96, 48), 10);
        NDArray wide = random16(new Shape(48, 2), 11);
        NDArray x = wide.transpose().get("0:1"); // (1, 48), a strided view
        HalfArrays.assertClose(reference(x, w, null), WeightMath.linear(x, w, null));
    }

    @Test
    void theSwitchTurnsTheKernelsOffAndRefusesOtherValues() {
        NativeKernels.State off = NativeKernels.load("libtorch");
        assertEquals(0, off.level());
        assertTrue(off.description().startsWith("libtorch"), off.description());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeKernels.load("fast"));
        assertTrue(e.getMessage().contains("aha or libtorch"), e.getMessage());
    }
}
