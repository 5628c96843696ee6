package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.engine.ComputeThreads;
import org.junit.jupiter.api.Test;

/** TRL's reward loss, against the formula computed by hand. */
class BradleyTerryLossTest {

    private static double bt(double c, double r, double m) {
        return Math.log1p(Math.exp(-(c - r - m)));
    }

    @Test
    void shouldComputeTheLogSigmoidLossWithMarginAndCentering() {
        ComputeThreads.prepare(1);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] c = {1.5f, -0.5f, 30f};
            float[] r = {0.5f, 0.25f, -30f};
            float[] margins = {0f, 0.5f, 1f};
            double plain = (bt(1.5, 0.5, 0) + bt(-0.5, 0.25, 0.5) + bt(30, -30, 1)) / 3;
            assertEquals(plain, new BradleyTerryLoss(0).loss(m.create(c), m.create(r), m.create(margins)).getFloat(),
                    1e-6);
            double centred = plain + 0.01 * (4 + 0.0625 + 0) / 3;
            assertEquals(centred, new BradleyTerryLoss(0.01f).loss(m.create(c), m.create(r), m.create(margins))
                    .getFloat(), 1e-6);
            float far = new BradleyTerryLoss(0).loss(m.create(new float[] {-100f}), m.create(new float[] {100f}),
                    m.create(new float[] {0f})).getFloat();
            assertEquals(200, far, 1e-3, "finite where sigmoid underflows");
        }
    }

    @Test
    void shouldRefuseANegativeCentering() {
        assertThrows(IllegalArgumentException.class, () -> new BradleyTerryLoss(-1f));
    }
}
