package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScalarsTest {

    @BeforeAll
    static void engine() {
        ComputeThreads.prepare(1);
    }

    /**
     * The forward keeps many constants for the backward; in between, the garbage collector runs and the freed
     * memory is filled with NaN by new direct buffers, as a training step's allocations would. DJL's own
     * {@code x.mul(Number)} failed this (the gradient came out NaN or wrong); the constants here must survive.
     */
    @Test
    void constantsSurviveACollectionBetweenTheForwardAndTheBackward() throws Exception {
        int ops = 400;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, 2f, 3f, 4f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = Scalars.times(x, 0);
                double expected = 0;
                for (int i = 1; i <= ops; i++) {
                    double c = i * 0.5;
                    NDArray scaled = i % 2 == 0 ? Scalars.times(x, c) : Scalars.dividedBy(x, 1 / c);
                    y = y.add(Scalars.clip(scaled, -1e9, 1e9));
                    expected += c;
                }
                NDArray loss = y.sum();
                overwriteFreedMemory();
                collector.backward(loss);
                float[] g = x.getGradient().toFloatArray();
                float e = (float) expected;
                assertArrayEquals(new float[] {e, e, e, e}, g, e * 1e-5f);
            }
        }
    }

    @Test
    void clipBoundsAndPassesTheGradientInside() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {-2f, 0.5f, 3f});
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = Scalars.clip(x, 0, 1);
                assertArrayEquals(new float[] {0f, 0.5f, 1f}, y.toFloatArray());
                collector.backward(y.sum());
                assertArrayEquals(new float[] {0f, 1f, 0f}, x.getGradient().toFloatArray());
            }
            assertEquals(0.25f, Scalars.constant(m, 0.25).getFloat());
        }
    }

    private static void overwriteFreedMemory() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50); // the reference handler frees direct buffers after the collection
            List<ByteBuffer> filler = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                b.putFloat(0, Float.NaN);
                filler.add(b);
            }
            filler.clear();
        }
    }
}
