package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.engine.ComputeThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GSPO pinned to numbers worked by hand. Four sequences, three columns, eps 0.2 / 0.28 so the clip is easy to read;
 * d = log pi_theta - log pi_old per token, s = exp(mean of d over the policy tokens):
 *
 * <pre>
 *   seq A     d per token (mask)              |y|  s                    J = min(s A, clip(s) A)
 *   s0  +1    0.3  0.3  0.3                   3    e^0.3  = 1.349859   1.28 (clipped high)
 *   s1  -1    0.1  0.2  pad                   2    e^0.15 = 1.161834   -1.161834 (A &lt; 0: not clipped)
 *   s2  +0.5  0.2  5.0 (observation)  -0.2    2    e^0    = 1          0.5   (the observation's 5.0 left out)
 *   s3  -0.5  -0.5 -0.5 -0.5                  3    e^-0.5 = 0.606531   -0.4  (clipped low)
 * </pre>
 *
 * Sum 0.218166, loss = -0.218166 / 4 = -0.0545415. d J / d lp_t = A s / |y| where the clip does not bind: s1's
 * tokens -0.580917, s2's policy tokens 0.25; d loss = -(that) / 4.
 */
class GspoLossTest {

    private static final float[] D = {0.3f, 0.3f, 0.3f, 0.1f, 0.2f, 0f, 0.2f, 5.0f, -0.2f, -0.5f, -0.5f, -0.5f};
    private static final float[] MASK = {1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1};
    private static final float[] ADVANTAGES = {1f, -1f, 0.5f, -0.5f};
    private static final float BEHAVIOUR = -1.1f;

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
    void shouldClipTheLengthNormalisedRatioPerSequence() {
        Result r = compute(gspo(0.0), null);
        assertEquals(-0.218166f / 4, r.loss, 1e-6f);
        assertEquals(0.25f, r.out.diagnostics().clipFractionHigh(), 1e-6f, "s0: one sequence of four");
        assertEquals(0.25f, r.out.diagnostics().clipFractionLow(), 1e-6f, "s3");
        assertEquals(1.0295559f, r.out.diagnostics().meanRatio(), 1e-5f, "the mean s_i");
        assertEquals(10, r.out.diagnostics().tokens(), "policy tokens only");
    }

    @Test
    void shouldSpreadEachSequencesGradientOverItsPolicyTokensOnly() {
        float s1 = -(float) -Math.exp(0.15) / 2 / 4;
        assertArrayEquals(new float[] {0, 0, 0, s1, s1, 0, -0.0625f, 0, -0.0625f, 0, 0, 0},
                compute(gspo(0.0), null).gradient, 1e-6f, "clipped s0 and s3 give none; the observation none");
    }

    @Test
    void shouldSubtractTheK3PenaltyAveragedPerSequence() {
        // log(pi_ref / pi_theta) = ln 2 at s2's first token and at its observation (masked): k3 = 2 - ln2 - 1 =
        // 0.306853 on one of s2's two policy tokens; J_2 = 0.5 - 0.1 * 0.306853 / 2
        float[] refShift = new float[12];
        refShift[6] = (float) Math.log(2);
        refShift[7] = (float) Math.log(2);
        Result r = compute(gspo(0.1), refShift);
        assertEquals(-(0.218166f - 0.1f * 0.306853f / 2) / 4, r.loss, 1e-6f);
        assertEquals(0.306853f / 10, r.out.diagnostics().meanKl(), 1e-6f);
    }

    @Test
    void shouldReadThePapersClipRangesWhenChosen() {
        GrpoSettings s = GrpoSettings.fromConfig(ConfigFactory.parseString("algorithm = gspo")
                .withFallback(ConfigFactory.defaultReference().getConfig("aha.grpo")), 64);
        assertEquals(Algorithm.GSPO, s.algorithm());
        assertEquals(3e-4, s.epsLow());
        assertEquals(4e-4, s.epsHigh());
        assertInstanceOf(GspoLoss.class, PolicyLoss.of(s));
        assertEquals(0.2, GrpoSettings.fromConfig(ConfigFactory.defaultReference().getConfig("aha.grpo"), 64)
                .epsLow(), "grpo keeps its own range");
    }

    @Test
    void shouldRefuseTokenLevelOptionsInOneLine() {
        GrpoSettings token = new GrpoSettings(3e-4, 4e-4, 0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
        assertEquals("aha.grpo.algorithm = gspo takes one ratio per sequence: aha.grpo.aggregation must be "
                + "SEQUENCE_MEAN, was TOKEN_MEAN",
                assertThrows(IllegalArgumentException.class, () -> token.withAlgorithm(Algorithm.GSPO)).getMessage());
        GrpoSettings tis = gspo(0).withAlgorithm(Algorithm.GRPO)
                .withCorrection(new RolloutCorrection(RolloutCorrection.Mode.TIS, 2));
        assertEquals("aha.grpo.algorithm = gspo takes one ratio per sequence: aha.grpo.rollout-correction "
                + "(per-token weights) must be none, was tis",
                assertThrows(IllegalArgumentException.class, () -> tis.withAlgorithm(Algorithm.GSPO)).getMessage());
        assertEquals("aha.grpo.algorithm must be grpo, gspo, rloo or reinforce-pp, was 'ppo'",
                assertThrows(IllegalArgumentException.class, () -> Algorithm.of("ppo")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GspoLoss(gspo(0).withAlgorithm(Algorithm.GRPO)));
        assertThrows(IllegalArgumentException.class, () -> new GrpoLoss(gspo(0)), "GRPO's loss is not GSPO's");
    }

    private static GrpoSettings gspo(double beta) {
        return new GrpoSettings(0.2, 0.28, beta, LossAggregation.SEQUENCE_MEAN, true, 1e-4, 0)
                .withAlgorithm(Algorithm.GSPO);
    }

    private record Result(float loss, float[] gradient, GrpoLoss.Output out) {}

    private Result compute(GrpoSettings settings, float[] refShift) {
        float[] behaviour = new float[12];
        float[] current = new float[12];
        float[] reference = new float[12];
        for (int i = 0; i < 12; i++) {
            behaviour[i] = BEHAVIOUR;
            current[i] = BEHAVIOUR + D[i];
            reference[i] = current[i] + (refShift == null ? 0f : refShift[i]);
        }
        Shape shape = new Shape(4, 3);
        NDArray logProbs = manager.create(current, shape);
        logProbs.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            GrpoLoss.Output out = PolicyLoss.of(settings).compute(logProbs, manager.create(behaviour, shape),
                    refShift == null ? null : manager.create(reference, shape), manager.create(MASK, shape),
                    manager.create(ADVANTAGES, new Shape(4, 1)));
            collector.backward(out.loss());
            return new Result(out.loss().getFloat(), logProbs.getGradient().toFloatArray(), out);
        }
    }
}
