package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What DJL's PyTorch engine does with gradients, which the chunked output head relies on: backward passes add into
 * the gradients, whether in one collector or in collectors one after another; one collector at a time; a gradient
 * no backward has reached is not held, and what {@code getGradient()} hands out for it is not the gradient.
 */
class GradientsTest {

    private NDManager manager;
    private NDArray w;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        manager = NDManager.newBaseManager();
        w = manager.create(new float[] {1, 2, 3});
        w.setRequiresGradient(true);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void shouldAddTheGradientsOfTwoBackwardPassesInOneCollector() {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(w.mul(w).sum()); // 2w
            collector.backward(Scalars.times(w, 3).sum()); // 3
        }
        assertArrayEquals(new float[] {5, 7, 9}, w.getGradient().toFloatArray());
    }

    @Test
    void shouldAddTheGradientsOfCollectorsOneAfterAnother() {
        for (int i = 0; i < 2; i++) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(w.mul(w).sum());
            }
        }
        assertArrayEquals(new float[] {4, 8, 12}, w.getGradient().toFloatArray());
    }

    @Test
    void shouldRefuseASecondCollectorWhileOneIsOpen() {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            assertThrows(IllegalStateException.class, () -> Engine.getInstance().newGradientCollector());
        }
    }

    @Test
    void shouldHoldAGradientOnlyOnceABackwardReachedIt() {
        assertFalse(Gradients.held(w));
        w.getGradient().addi(manager.create(new float[] {5, 5, 5})); // fresh zeros: the sum goes nowhere
        assertFalse(Gradients.held(w));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(Scalars.times(w.sum(), 0));
        }
        assertTrue(Gradients.held(w));
        assertArrayEquals(new float[] {0, 0, 0}, w.getGradient().toFloatArray());
        w.getGradient().get("1:").addi(manager.create(new float[] {5, 5})); // a view of the gradient: it lands
        assertArrayEquals(new float[] {0, 5, 5}, w.getGradient().toFloatArray());
    }
}
