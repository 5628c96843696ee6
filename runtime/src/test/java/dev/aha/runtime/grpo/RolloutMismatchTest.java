package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mismatch figures against values worked by hand. Two rows; row 0 fresh, row 1 sampled by an older version.
 * d = lb - ll = log(pi_behaviour / pi_learner), and per token k3 = exp(-d) - 1 + d = w - 1 - log w with
 * w = pi_learner / pi_behaviour:
 *
 * <pre>
 *   row  token  pi_b  pi_learner  d                   |d|       k3
 *   0    t0     0.5   0.8         log 0.625 = -0.470004  0.470004  1.6 - 1 - 0.470004 = 0.129996
 *   0    t1     0.8   0.4         log 2     =  0.693147  0.693147  0.5 - 1 + 0.693147 = 0.193147
 *   1    t0     0.5   0.5         0                     0         0
 *   1    t1     padding: lb = 0, ll = -100 (exp(100) would overflow a float if it were not masked first)
 * </pre>
 */
class RolloutMismatchTest {

    private static final float LOG_0_625 = (float) Math.log(0.625);
    private static final float LN2 = (float) Math.log(2);

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

    @Test
    void shouldMeasureEveryCompletionTokenAndTheFreshRowsApart() {
        RolloutMismatch m = measure(0, 2);
        assertFigures(new RolloutMismatch.Figures(3, (-LOG_0_625 + LN2) / 3, LN2, (LOG_0_625 + LN2) / 3,
                (0.129996 + 0.193147) / 3), m.all());
        assertFigures(new RolloutMismatch.Figures(2, (-LOG_0_625 + LN2) / 2, LN2, (LOG_0_625 + LN2) / 2,
                (0.129996 + 0.193147) / 2), m.fresh());
    }

    @Test
    void shouldReportNoFreshFiguresWhenNoRowIsFresh() {
        assertSame(RolloutMismatch.Figures.NONE, measure(-1, 2).fresh());
    }

    @Test
    void microBatchFiguresCombineIntoTheBatchFigures() {
        RolloutMismatch whole = measure(0, 2);
        RolloutMismatch combined = RolloutMismatch.combine(List.of(measure(0, 1), measure(1, 2)));
        assertFigures(whole.all(), combined.all());
        assertFigures(whole.fresh(), combined.fresh());
    }

    /** Rows {@code [from, to)} of the table; {@code from = -1}: rows 0 and 1, neither fresh. */
    private RolloutMismatch measure(int from, int to) {
        float[][] lb = {{log(0.5), log(0.8)}, {log(0.5), 0f}};
        float[][] ll = {{log(0.8), log(0.4)}, {log(0.5), -100f}};
        float[][] mask = {{1, 1}, {1, 0}};
        float[] fresh = {from < 0 ? 0 : 1, 0};
        int first = Math.max(0, from);
        int rows = to - first;
        Shape shape = new Shape(rows, 2);
        return RolloutMismatch.measure(rows(ll, first, to, shape), rows(lb, first, to, shape),
                rows(mask, first, to, shape), manager.create(Arrays.copyOfRange(fresh, first, to),
                        new Shape(rows, 1)));
    }

    private NDArray rows(float[][] table, int from, int to, Shape shape) {
        float[] flat = new float[(to - from) * 2];
        for (int r = from; r < to; r++) {
            System.arraycopy(table[r], 0, flat, (r - from) * 2, 2);
        }
        return manager.create(flat, shape);
    }

    private static float log(double p) {
        return (float) Math.log(p);
    }

    private static void assertFigures(RolloutMismatch.Figures expected, RolloutMismatch.Figures actual) {
        assertEquals(expected.tokens(), actual.tokens(), "tokens");
        assertEquals(expected.meanAbsLogDiff(), actual.meanAbsLogDiff(), 1e-6, "mean |d|");
        assertEquals(expected.maxAbsLogDiff(), actual.maxAbsLogDiff(), 1e-6, "max |d|");
        assertEquals(expected.kl(), actual.kl(), 1e-6, "k1");
        assertEquals(expected.k3(), actual.k3(), 1e-6, "k3");
    }
}
