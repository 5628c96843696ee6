package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loss pinned to numbers worked out by hand. Two groups of three completions, three token columns, with padding;
 * eps_low = 0.2, eps_high = 0.28. Per token: ratio rho and advantage A, and the surrogate min(rho A, clip(rho) A):
 *
 * <pre>
 *   seq A     rho (per token)     surrogate                         notes
 *   s0  1.0   1.5  1.0  0.5       1.28  1.0   0.5                   1.5 clipped high; 0.5 with A&gt;0 is not clipped
 *   s1 -0.5   0.5  1.5  pad       -0.4  -0.75                       0.5 clipped low; 1.5 with A&lt;0 is not clipped
 *   s2 -0.5   1.0  pad  pad       -0.5
 *   s3  0.5   1.1  1.2  1.3       0.55  0.6   0.64                  1.3 clipped high
 *   s4  0.5   0.9  0.7  pad       0.45  0.35
 *   s5 -1.0   0.7  0.9  1.0       -0.8  -0.9  -1.0                  0.7 clipped low
 * </pre>
 *
 * Sums per sequence: 2.78, -1.15, -0.5, 1.79, 0.8, -2.7 (total 1.02 over 14 tokens).
 */
class GrpoLossTest {

    private static final float[] RATIOS = {1.5f, 1.0f, 0.5f, 0.5f, 1.5f, 1f, 1.0f, 1f, 1f, 1.1f, 1.2f, 1.3f,
        0.9f, 0.7f, 1f, 0.7f, 0.9f, 1.0f};
    private static final float[] MASK = {1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1};
    private static final float[] ADVANTAGES = {1.0f, -0.5f, -0.5f, 0.5f, 0.5f, -1.0f};
    private static final float BEHAVIOUR = -1.2f;
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
    void shouldMatchTheHandWorkedSequenceMean() {
        // mean over sequences of the per-sequence means:
        // (2.78/3 - 1.15/2 - 0.5/1 + 1.79/3 + 0.8/2 - 2.7/3) / 6 = -0.051667 / 6 = -0.0086111; loss = -J
        GrpoLoss.Output out = compute(settings(LossAggregation.SEQUENCE_MEAN, 0.0), null);
        assertEquals(0.0086111f, out.loss().getFloat(), 1e-6f);
    }

    @Test
    void shouldMatchTheHandWorkedTokenMean() {
        // 1.02 / 14 = 0.0728571
        GrpoLoss.Output out = compute(settings(LossAggregation.TOKEN_MEAN, 0.0), null);
        assertEquals(-0.0728571f, out.loss().getFloat(), 1e-6f);
    }

    @Test
    void shouldMatchTheHandWorkedDrGrpoConstantNormaliser() {
        // 1.02 / (6 sequences x 4 max completion tokens) = 0.0425
        GrpoSettings dr = new GrpoSettings(0.2, 0.28, 0.0, LossAggregation.DR_GRPO, false, 1e-4, 4);
        GrpoLoss.Output out = compute(dr, null);
        assertEquals(-0.0425f, out.loss().getFloat(), 1e-6f);
    }

    @Test
    void shouldCountEachClipSideOnlyWhereItBinds() {
        GrpoLoss.Output out = compute(settings(LossAggregation.TOKEN_MEAN, 0.0), null);
        GrpoDiagnostics d = out.diagnostics();
        assertEquals(2f / 14, d.clipFractionLow(), 1e-6f, "s1 t0 and s5 t0");
        assertEquals(2f / 14, d.clipFractionHigh(), 1e-6f, "s0 t0 and s3 t2");
        assertEquals(13.8f / 14, d.meanRatio(), 1e-5f);
        assertEquals(0f, d.meanAdvantage(), 1e-6f);
        assertEquals(0f, d.meanKl());
        assertEquals(14, d.tokens());
    }

    @Test
    void shouldClipOnlyTheLowSideWhenEpsHighIsLarge() {
        // eps_high = 10: s0 t0 and s3 t2 now count at 1.5 and 1.3 (total 1.02 + 0.22 + 0.01 = 1.25)
        GrpoSettings wide = new GrpoSettings(0.2, 10, 0.0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        GrpoLoss.Output out = compute(wide, null);
        assertEquals(-1.25f / 14, out.loss().getFloat(), 1e-6f);
        assertEquals(0f, out.diagnostics().clipFractionHigh());
        assertEquals(2f / 14, out.diagnostics().clipFractionLow(), 1e-6f);
    }

    @Test
    void shouldClipOnlyTheHighSideWhenEpsLowIsOne() {
        // eps_low = 1: s1 t0 counts at 0.5 (-0.25 instead of -0.4), s5 t0 at 0.7 (-0.7 instead of -0.8)
        GrpoSettings wide = new GrpoSettings(1, 0.28, 0.0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        GrpoLoss.Output out = compute(wide, null);
        assertEquals(-1.27f / 14, out.loss().getFloat(), 1e-6f);
        assertEquals(0f, out.diagnostics().clipFractionLow());
    }

    @Test
    void shouldSubtractTheK3PenaltyWeightedByBeta() {
        // log(pi_ref/pi_theta) = ln2, 0, -ln2 on s0's tokens and 0 elsewhere:
        // k3 = (2 - ln2 - 1) + 0 + (1/2 + ln2 - 1) = 0.5 in total, so s0's sum becomes 2.78 - 0.1 * 0.5 = 2.73
        // sequence mean: (2.73/3 - 1.15/2 - 0.5 + 1.79/3 + 0.4 - 0.9) / 6 = -0.0113889
        float[] refShift = new float[18];
        refShift[0] = LN2;
        refShift[2] = -LN2;
        GrpoLoss.Output out = compute(settings(LossAggregation.SEQUENCE_MEAN, 0.1), refShift);
        assertEquals(0.0113889f, out.loss().getFloat(), 1e-6f);
        assertEquals(0.5f / 14, out.diagnostics().meanKl(), 1e-6f);
    }

    @Test
    void shouldGiveAZeroSurrogateForRatioOneAndZeroAdvantage() {
        NDArray logProbs = manager.full(new Shape(2, 3), -0.7f);
        NDArray mask = manager.ones(new Shape(2, 3));
        NDArray advantages = manager.zeros(new Shape(2, 1));
        for (LossAggregation aggregation : LossAggregation.values()) {
            GrpoSettings s = new GrpoSettings(0.2, 0.2, 0.0, aggregation,
                    aggregation != LossAggregation.DR_GRPO, 1e-4, 3);
            GrpoLoss.Output out = new GrpoLoss(s).compute(logProbs, logProbs, null, mask, advantages);
            assertEquals(0f, out.loss().getFloat(), 0f, aggregation.name());
            assertEquals(1f, out.diagnostics().meanRatio(), 1e-7f);
        }
    }

    @Test
    void shouldRefuseReferenceLogProbsWhenBetaIsZeroAndRequireThemOtherwise() {
        NDArray lp = manager.full(new Shape(1, 2), -1f);
        NDArray mask = manager.ones(new Shape(1, 2));
        NDArray adv = manager.ones(new Shape(1, 1));
        GrpoLoss noKl = new GrpoLoss(settings(LossAggregation.TOKEN_MEAN, 0.0));
        assertThrows(IllegalArgumentException.class, () -> noKl.compute(lp, lp, lp, mask, adv));
        GrpoLoss kl = new GrpoLoss(settings(LossAggregation.TOKEN_MEAN, 0.04));
        assertThrows(IllegalArgumentException.class, () -> kl.compute(lp, lp, null, mask, adv));
    }

    @Test
    void shouldRejectIncompatibleSettingsAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GrpoSettings(0.2, 0.2, 0, LossAggregation.DR_GRPO, true, 1e-4, 8));
        assertEquals("aggregation DR_GRPO removes the std normalisation: set scaleAdvantagesByStd = false",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new GrpoSettings(0.2, 0.2, 0, LossAggregation.DR_GRPO, false, 1e-4, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new GrpoSettings(-0.1, 0.2, 0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new GrpoSettings(0.2, 0.2, Double.NaN, LossAggregation.TOKEN_MEAN, true, 1e-4, 0));
    }

    private static GrpoSettings settings(LossAggregation aggregation, double beta) {
        return new GrpoSettings(0.2, 0.28, beta, aggregation, true, 1e-4, 0);
    }

    private GrpoLoss.Output compute(GrpoSettings settings, float[] refShift) {
        float[] behaviour = new float[18];
        float[] current = new float[18];
        float[] reference = new float[18];
        for (int i = 0; i < 18; i++) {
            behaviour[i] = BEHAVIOUR;
            current[i] = BEHAVIOUR + (float) Math.log(RATIOS[i]);
            reference[i] = current[i] + (refShift == null ? 0f : refShift[i]);
        }
        Shape shape = new Shape(6, 3);
        return new GrpoLoss(settings).compute(
                manager.create(current, shape),
                manager.create(behaviour, shape),
                refShift == null ? null : manager.create(reference, shape),
                manager.create(MASK, shape),
                manager.create(ADVANTAGES, new Shape(6, 1)));
    }
}
