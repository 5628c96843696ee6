package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
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

    /*
     * Rollout correction, one sequence of three tokens, A = 1, token mean, eps 0.2 / 0.28, beta 0, cap C = 1.5.
     * The learner's forward is the proximal policy (lp = lq, so rho = pi_theta / pi_prox = 1 in value, with
     * d rho / d lp = 1); w = pi_prox / pi_behaviour:
     *
     *   token  pi_behaviour  pi_prox  w     none: rho=w, surr   tis: min(w,C)  mis: w or 0   d loss/d lp (x3)
     *   t0     0.5           0.8      1.6   clipped 1.28        1.5            0 (masked)    none 0; tis -1.5; mis 0
     *   t1     0.8           0.4      0.5   0.5                 0.5            0.5           -0.5 in all three
     *   t2     0.5           0.5      1.0   1.0                 1.0            1.0           -1 in all three
     *
     * Sums: none 2.78, tis 3.0, mis 1.5; each over the 3 tokens (mis keeps t0 in the normaliser).
     */
    private static final float[] BEHAVIOUR_P = {0.5f, 0.8f, 0.5f};
    private static final float[] PROXIMAL_P = {0.8f, 0.4f, 0.5f};

    @Test
    void withoutCorrectionTheCapLeavesTheLossAlone() {
        Corrected out = corrected(RolloutCorrection.NONE);
        assertEquals(-2.78f / 3, out.loss(), 1e-6f);
        assertArrayEquals(new float[] {0f, -0.5f / 3, -1f / 3}, out.gradient(), 1e-6f,
                "t0 is clipped high: no gradient");
        assertEquals(0f, out.diagnostics().correctedFraction());
    }

    @Test
    void tisTruncatesTheImportanceWeightAtTheCap() {
        Corrected out = corrected(new RolloutCorrection(RolloutCorrection.Mode.TIS, 1.5));
        assertEquals(-3.0f / 3, out.loss(), 1e-6f);
        assertArrayEquals(new float[] {-1.5f / 3, -0.5f / 3, -1f / 3}, out.gradient(), 1e-6f,
                "each token's gradient is its bounded weight times A");
        assertEquals(1f / 3, out.diagnostics().correctedFraction(), 1e-6f, "t0 over the cap");
        assertEquals(1f, out.diagnostics().meanRatio(), 1e-6f, "the ratio is to the proximal policy");
        assertEquals(0f, out.diagnostics().clipFractionHigh(), "rho = 1: no clip binds");
    }

    @Test
    void misMasksTokensOverTheCapAndKeepsTheWeightOfTheRest() {
        Corrected out = corrected(new RolloutCorrection(RolloutCorrection.Mode.MIS, 1.5));
        assertEquals(-1.5f / 3, out.loss(), 1e-6f, "t0 leaves the sum, not the normaliser");
        assertArrayEquals(new float[] {0f, -0.5f / 3, -1f / 3}, out.gradient(), 1e-6f);
        assertEquals(1f / 3, out.diagnostics().correctedFraction(), 1e-6f);
    }

    @Test
    void aCapAboveEveryWeightMakesTisAndMisTheSame() {
        RolloutCorrection wide = new RolloutCorrection(RolloutCorrection.Mode.TIS, 2.0);
        Corrected tis = corrected(wide);
        Corrected mis = corrected(new RolloutCorrection(RolloutCorrection.Mode.MIS, 2.0));
        assertEquals(-(1.6f + 0.5f + 1f) / 3, tis.loss(), 1e-6f, "every w whole");
        assertEquals(tis.loss(), mis.loss(), 1e-7f);
        assertArrayEquals(tis.gradient(), mis.gradient(), 1e-7f);
        assertEquals(0f, tis.diagnostics().correctedFraction());
    }

    /*
     * The clipped ratio is pi_theta / pi_prox once a correction is on: pi_theta differs from pi_prox here (as after
     * an update within the step). Two sequences, token mean, eps 0.2 / 0.28:
     *
     *   seq A   token  pi_b  pi_prox  pi_theta  w    rho (to prox)  w * surr           none: rho to pi_b, surr
     *   s0  +1  t0     0.5   0.6      0.9       1.2  1.5            1.2 * 1.28 = 1.536  1.8 -> 1.28
     *           t1     0.5   0.5      0.6       1.0  1.2            1.2                 1.2 -> 1.2
     *   s1  -1  t0     0.4   0.6      0.3       1.5  0.5            1.5 * -0.8 = -1.2   0.75 -> -0.8
     *           t1     0.5   0.25     0.3       0.5  1.2            0.5 * -1.2 = -0.6   0.6 -> -0.8
     *
     * tis (C = 2): 0.936 / 4. mis (C = 1.4, s1 t0 masked): 2.136 / 4; by sequence mean (2.736 / 2 - 0.6 / 2) / 2,
     * the masked token still counting in s1's length. none: 0.88 / 4.
     */
    private static final float[][] DECOUPLED = { // pi_b, pi_prox, pi_theta per token
        {0.5f, 0.6f, 0.9f}, {0.5f, 0.5f, 0.6f}, {0.4f, 0.6f, 0.3f}, {0.5f, 0.25f, 0.3f}};

    @Test
    void theClippedRatioIsTakenToTheProximalPolicy() {
        GrpoLoss.Output tis = decoupled(new RolloutCorrection(RolloutCorrection.Mode.TIS, 2.0),
                LossAggregation.TOKEN_MEAN);
        assertEquals(-0.936f / 4, tis.loss().getFloat(), 1e-6f);
        assertEquals(0.25f, tis.diagnostics().clipFractionHigh(), 1e-6f, "s0 t0: rho 1.5 > 1.28, A > 0");
        assertEquals(0.25f, tis.diagnostics().clipFractionLow(), 1e-6f, "s1 t0: rho 0.5 < 0.8, A < 0");
        assertEquals(-0.88f / 4, decoupled(RolloutCorrection.NONE, LossAggregation.TOKEN_MEAN).loss().getFloat(),
                1e-6f, "none ignores pi_prox");
    }

    @Test
    void misKeepsAMaskedTokenInItsSequencesLength() {
        RolloutCorrection mis = new RolloutCorrection(RolloutCorrection.Mode.MIS, 1.4);
        assertEquals(-2.136f / 4, decoupled(mis, LossAggregation.TOKEN_MEAN).loss().getFloat(), 1e-6f);
        assertEquals(-(2.736f / 2 - 0.6f / 2) / 2, decoupled(mis, LossAggregation.SEQUENCE_MEAN).loss().getFloat(),
                1e-6f);
    }

    /** A proximal policy equal to the behaviour one (w = 1 everywhere) gives the paper's loss, KL term included. */
    @Test
    void aCorrectionChangesNothingWhenTheRolloutMatchesTheProximalPolicy() {
        float[] refShift = new float[18];
        refShift[0] = LN2;
        refShift[2] = -LN2;
        for (LossAggregation aggregation : LossAggregation.values()) {
            GrpoSettings none = new GrpoSettings(0.2, 0.28, 0.1, aggregation, aggregation != LossAggregation.DR_GRPO,
                    1e-4, 4);
            float expected = compute(none, refShift).loss().getFloat();
            for (RolloutCorrection.Mode mode : new RolloutCorrection.Mode[] {RolloutCorrection.Mode.TIS,
                RolloutCorrection.Mode.MIS}) {
                GrpoLoss.Output out = compute(none.withCorrection(new RolloutCorrection(mode, 1.0)), refShift, true);
                assertEquals(expected, out.loss().getFloat(), 1e-6f, aggregation + " " + mode);
                assertEquals(0f, out.diagnostics().correctedFraction(), aggregation + " " + mode);
            }
        }
    }

    @Test
    void aCorrectionIsNamedInTheConfigurationAndItsCapIsAtLeastOne() {
        assertEquals(RolloutCorrection.Mode.MIS, RolloutCorrection.of("MIS", 3).mode());
        assertEquals("aha.grpo.rollout-correction must be none, tis or mis, was 'clip'",
                assertThrows(IllegalArgumentException.class, () -> RolloutCorrection.of("clip", 2)).getMessage());
        for (double bad : new double[] {0.99, 0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals("aha.grpo.rollout-correction-cap must be a number >= 1, was " + bad,
                    assertThrows(IllegalArgumentException.class, () -> RolloutCorrection.of("tis", bad)).getMessage());
        }
        assertEquals(1.0, RolloutCorrection.of("none", 1.0).cap(), "1 is the smallest cap");
    }

    /** The loss, d loss / d lp, and diagnostics of the three-token table, with lp = lq. */
    private record Corrected(float loss, float[] gradient, GrpoDiagnostics diagnostics) {}

    private Corrected corrected(RolloutCorrection correction) {
        float[] behaviour = new float[3];
        float[] proximal = new float[3];
        for (int i = 0; i < 3; i++) {
            behaviour[i] = (float) Math.log(BEHAVIOUR_P[i]);
            proximal[i] = (float) Math.log(PROXIMAL_P[i]);
        }
        Shape shape = new Shape(1, 3);
        NDArray logProbs = manager.create(proximal, shape);
        logProbs.setRequiresGradient(true);
        GrpoLoss loss = new GrpoLoss(settings(LossAggregation.TOKEN_MEAN, 0.0).withCorrection(correction));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            GrpoLoss.Output out = loss.compute(logProbs, manager.create(behaviour, shape), null,
                    manager.ones(shape), manager.ones(new Shape(1, 1)));
            collector.backward(out.loss());
            return new Corrected(out.loss().getFloat(), logProbs.getGradient().toFloatArray(), out.diagnostics());
        }
    }

    private GrpoLoss.Output decoupled(RolloutCorrection correction, LossAggregation aggregation) {
        float[][] columns = new float[3][4];
        for (int t = 0; t < 4; t++) {
            for (int p = 0; p < 3; p++) {
                columns[p][t] = (float) Math.log(DECOUPLED[t][p]);
            }
        }
        Shape shape = new Shape(2, 2);
        return new GrpoLoss(settings(aggregation, 0.0).withCorrection(correction)).compute(
                manager.create(columns[2], shape), manager.create(columns[1], shape),
                manager.create(columns[0], shape), null, manager.ones(shape),
                manager.create(new float[] {1f, -1f}, new Shape(2, 1)), new GrpoLoss.Totals(2, 4));
    }

    private static GrpoSettings settings(LossAggregation aggregation, double beta) {
        return new GrpoSettings(0.2, 0.28, beta, aggregation, true, 1e-4, 0);
    }

    private GrpoLoss.Output compute(GrpoSettings settings, float[] refShift) {
        return compute(settings, refShift, false);
    }

    /** @param proximalIsBehaviour pass pi_prox = pi_behaviour explicitly (unused by correction none) */
    private GrpoLoss.Output compute(GrpoSettings settings, float[] refShift, boolean proximalIsBehaviour) {
        float[] behaviour = new float[18];
        float[] current = new float[18];
        float[] reference = new float[18];
        for (int i = 0; i < 18; i++) {
            behaviour[i] = BEHAVIOUR;
            current[i] = BEHAVIOUR + (float) Math.log(RATIOS[i]);
            reference[i] = current[i] + (refShift == null ? 0f : refShift[i]);
        }
        Shape shape = new Shape(6, 3);
        if (proximalIsBehaviour) {
            NDArray mask = manager.create(MASK, shape);
            NDArray behaviourLogProbs = manager.create(behaviour, shape);
            return new GrpoLoss(settings).compute(manager.create(current, shape), behaviourLogProbs, behaviourLogProbs,
                    manager.create(reference, shape), mask, manager.create(ADVANTAGES, new Shape(6, 1)),
                    new GrpoLoss.Totals(6, mask.sum().getFloat()));
        }
        return new GrpoLoss(settings).compute(
                manager.create(current, shape),
                manager.create(behaviour, shape),
                refShift == null ? null : manager.create(reference, shape),
                manager.create(MASK, shape),
                manager.create(ADVANTAGES, new Shape(6, 1)));
    }
}
