package dev.aha.runtime.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The slot cache's bookkeeping, on values that say where they came from. */
class SlotCacheTest {

    private static final KvShape ONE_LAYER = new KvShape(1, 1, 2);

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

    /** A one-sequence cache of {@code length} positions whose key at position p is (tag, p), values (-tag, p). */
    private KvCache prefilled(int length, float tag) {
        KvCache cache = new KvCache(1, 16);
        float[] k = new float[length * 2];
        float[] v = new float[length * 2];
        for (int p = 0; p < length; p++) {
            k[2 * p] = tag;
            k[2 * p + 1] = p;
            v[2 * p] = -tag;
            v[2 * p + 1] = p;
        }
        cache.append(0, manager.create(k, new Shape(1, 1, length, 2)), manager.create(v, new Shape(1, 1, length, 2)));
        return cache;
    }

    @Test
    void aGroupSharesOnePrefillAndEvictionKeepsTheActiveRowsContiguous() {
        SlotCache slots = SlotCache.allocate(manager, ONE_LAYER, 4, 8, DataType.FLOAT32);
        assertEquals(0, slots.admit(prefilled(3, 1), 2));
        assertEquals(2, slots.admit(prefilled(5, 2), 2));
        assertEquals(0, slots.freeSlots());
        assertThrows(IllegalArgumentException.class, () -> slots.admit(prefilled(1, 3), 1));
        assertArrayEquals(new int[] {3, 3, 5, 5}, slots.positions());

        assertEquals(3, slots.evict(0), "the last row moves into the freed one");
        assertArrayEquals(new int[] {5, 3, 5}, slots.positions());
        try (NDArray moved = slots.keysOf(0, 0)) {
            assertArrayEquals(new float[] {2, 0, 2, 1, 2, 2, 2, 3, 2, 4}, moved.toFloatArray(), "row 3's keys");
        }
        assertEquals(-1, slots.evict(2), "evicting the last row moves nothing");
        assertEquals(2, slots.rows());
    }

    @Test
    void rowsAtDifferentPositionsWriteTheirOwnColumnAndMaskTheRest() {
        SlotCache slots = SlotCache.allocate(manager, ONE_LAYER, 2, 8, DataType.FLOAT32);
        slots.admit(prefilled(2, 1), 1);
        slots.admit(prefilled(4, 2), 1);
        try (NDManager step = manager.newSubManager()) {
            slots.beginStep(step);
            NDArray mask = slots.keyMask(step);
            float low = -Float.MAX_VALUE;
            assertArrayEquals(new float[] {0, 0, 0, low, low, 0, 0, 0, 0, 0}, mask.toFloatArray());
            NDArray k = step.create(new float[] {7, 70, 8, 80}, new Shape(2, 1, 1, 2));
            NDArray keys = slots.append(0, k, k.neg());
            assertEquals(new Shape(2, 1, 5, 2), keys.getShape());
            assertArrayEquals(new float[] {7, 70}, keys.get(new NDIndex("0, 0, 2")).toFloatArray());
            assertArrayEquals(new float[] {8, 80}, keys.get(new NDIndex("1, 0, 4")).toFloatArray());
        }
        assertArrayEquals(new int[] {3, 5}, slots.positions(), "positions advance after the last layer");
    }

    @Test
    void alignedRowsNeedNoMaskAndAFullSlotIsRefusedBeforeAnyCompute() {
        SlotCache slots = SlotCache.allocate(manager, ONE_LAYER, 2, 4, DataType.FLOAT32);
        slots.admit(prefilled(3, 1), 2);
        try (NDManager step = manager.newSubManager()) {
            slots.beginStep(step);
            assertNull(slots.keyMask(step));
            NDArray k = step.create(new float[] {7, 70, 8, 80}, new Shape(2, 1, 1, 2));
            slots.append(0, k, k);
            assertArrayEquals(new float[] {8, 80}, slots.keysOf(0, 1).get(new NDIndex("0, 3")).toFloatArray());
        }
        try (NDManager step = manager.newSubManager()) {
            assertThrows(IllegalStateException.class, () -> slots.beginStep(step));
        }
        assertThrows(IllegalArgumentException.class, () -> SlotCache.allocate(manager, ONE_LAYER, 0, 4,
                DataType.FLOAT32));
    }

    /** A native single-row step's end is refused while more than one row is active, and advances the one row. */
    @Test
    void aSingleRowStepAdvancesOnlyWhenOneRowIsActive() {
        SlotCache slots = SlotCache.allocate(manager, ONE_LAYER, 2, 8, DataType.FLOAT32);
        slots.admit(prefilled(3, 1), 2);
        assertThrows(IllegalStateException.class, slots::advanceSingleRow);
        assertArrayEquals(new int[] {3, 3}, slots.positions());
        slots.evict(1);
        slots.advanceSingleRow();
        assertArrayEquals(new int[] {4}, slots.positions());
    }
}
