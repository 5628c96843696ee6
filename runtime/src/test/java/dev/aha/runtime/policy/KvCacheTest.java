package dev.aha.runtime.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache's views hold exactly what was appended, in order, across buffer growth and the batch repeat. */
class KvCacheTest {

    private NDManager base;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    /** Position p of layer l holds the value 1000 l + p (keys) and its negative (values), in every slot. */
    private static NDArray positions(NDManager m, int layer, int from, int count, int batch, boolean negative) {
        float[] v = new float[batch * 2 * count * 3];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < 2; h++) {
                for (int p = 0; p < count; p++) {
                    for (int d = 0; d < 3; d++) {
                        v[((b * 2 + h) * count + p) * 3 + d] = (negative ? -1 : 1) * (1000f * layer + from + p);
                    }
                }
            }
        }
        return m.create(v, new Shape(batch, 2, count, 3));
    }

    @Test
    void shouldHoldEveryPositionAcrossGrowthAndTheBatchRepeat() {
        int layers = 2;
        int prompt = 5;
        int total = 150; // past two doublings of the first buffer (64 -> 128 -> 150, the context)
        KvCache cache = new KvCache(layers, total);
        try (NDManager session = base.newSubManager()) {
            for (int l = 0; l < layers; l++) {
                cache.append(l, positions(session, l, 0, prompt, 1, false), positions(session, l, 0, prompt, 1, true));
            }
            cache.repeatBatch(3);
            NDArray[] keys = new NDArray[layers];
            for (int p = prompt; p < total; p++) {
                try (NDManager step = session.newSubManager()) { // the step's arrays go; the cache must not
                    for (int l = 0; l < layers; l++) {
                        keys[l] = cache.append(l, positions(step, l, p, 1, 3, false),
                                positions(step, l, p, 1, 3, true));
                        assertEquals(new Shape(3, 2, p + 1, 3), keys[l].getShape());
                    }
                }
                assertEquals(p + 1, cache.length());
            }
            for (int l = 0; l < layers; l++) {
                try (NDManager check = session.newSubManager()) {
                    assertArrayEquals(positions(check, l, 0, total, 3, false).toFloatArray(), keys[l].toFloatArray());
                    assertArrayEquals(positions(check, l, 0, total, 3, true).toFloatArray(),
                            cache.values(l).toFloatArray());
                }
            }
        }
    }
}
