package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import org.junit.jupiter.api.Test;

/**
 * REINFORCE++'s advantages, worked by hand. beta = 0.1, eps = 0; k1 = log pi_old - log pi_ref per token:
 *
 * <pre>
 *   seq r   mask       k1                 -beta k1 per token      return to go G_t
 *   s0  1   1 1 1      0.5  0    1.0      -0.05  0     -0.1       0.85  0.9  0.9
 *   s1  0   1 0 1      1.0  7.0  0.5      -0.1   (obs) -0.05      -0.15 (0)  -0.05
 * </pre>
 *
 * Over the 5 policy tokens: mean 0.49, population std sqrt(1.167 / 5) = 0.483115; A = (G - 0.49) / 0.483115 =
 * 0.745164, 0.848659, 0.848659 | -1.324737, 0 (observation), -1.117747.
 */
class ReinforcePlusPlusTest {

    private static final float[] OUTCOME = {1f, 0f};
    private static final float[][] MASK = {{1, 1, 1}, {1, 0, 1}};
    private static final float[][] K1 = {{0.5f, 0f, 1.0f}, {1.0f, 7.0f, 0.5f}};

    @Test
    void shouldNormaliseTheReturnToGoWithItsKlOverTheBatch() {
        float[][] a = ReinforcePlusPlus.advantages(OUTCOME, K1, new float[2][3], MASK, 0.1, 0);
        assertArrayEquals(new float[] {0.745164f, 0.848659f, 0.848659f}, a[0], 1e-5f);
        assertArrayEquals(new float[] {-1.324737f, 0f, -1.117747f}, a[1], 1e-5f, "the observation carries nothing");
    }

    @Test
    void withoutAReferenceEveryTokenCarriesItsSequencesNormalisedOutcome() {
        // beta = 0: 3 tokens of 1 and 2 of 0: mean 0.6, std sqrt(0.24) = 0.489898
        float[][] a = ReinforcePlusPlus.advantages(OUTCOME, K1, null, MASK, 0.0, 0);
        assertArrayEquals(new float[] {0.816497f, 0.816497f, 0.816497f}, a[0], 1e-5f);
        assertArrayEquals(new float[] {-1.224745f, 0f, -1.224745f}, a[1], 1e-5f);
        float[][] uniform = ReinforcePlusPlus.advantages(new float[] {1, 1}, new float[][] {{0}, {0}}, null,
                new float[][] {{1}, {1}}, 0, 1e-4);
        assertArrayEquals(new float[][] {{0f}, {0f}}, uniform, "a uniform batch: no signal");
    }

    @Test
    void shouldTakeTheBatchsArraysAsTheLearnerPacksThem() {
        ComputeThreads.prepare(1);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 3);
            NDArray behaviour = m.create(new float[] {-1f, -2f, -1f, -1f, -1f, -1f}, shape);
            NDArray reference = behaviour.sub(m.create(new float[] {0.5f, 0f, 1f, 1f, 7f, 0.5f}, shape));
            NDArray a = ReinforcePlusPlus.advantages(m.create(OUTCOME, new Shape(2, 1)), behaviour, reference,
                    m.create(new float[] {1, 1, 1, 1, 0, 1}, shape), 0.1, 0);
            assertArrayEquals(new float[] {0.745164f, 0.848659f, 0.848659f, -1.324737f, 0f, -1.117747f},
                    a.toFloatArray(), 1e-5f);
        }
    }

    /** The KL lives in the reward: the loss takes no reference log-probs, whatever beta is. */
    @Test
    void shouldKeepTheKlOutOfTheLoss() {
        GrpoSettings pp = new GrpoSettings(0.2, 0.28, 0.1, LossAggregation.TOKEN_MEAN, true, 1e-4, 0)
                .withAlgorithm(Algorithm.REINFORCE_PP);
        assertEquals(true, pp.usesReference(), "the reference is still run, for the reward's KL");
        assertEquals(false, pp.klInLoss());
        ComputeThreads.prepare(1);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lp = m.full(new Shape(1, 2), -1f);
            NDArray mask = m.ones(new Shape(1, 2));
            NDArray tokenAdvantages = m.create(new float[] {0.5f, -1f}, new Shape(1, 2));
            PolicyLoss loss = PolicyLoss.of(pp);
            assertThrows(IllegalArgumentException.class, () -> loss.compute(lp, lp, lp, mask, tokenAdvantages));
            assertEquals(0.25f, loss.compute(lp, lp, null, mask, tokenAdvantages).loss().getFloat(), 1e-6f,
                    "token advantages, token mean: -(0.5 - 1) / 2");
        }
        assertArrayEquals(new float[] {1f, 0f}, pp.algorithm().groupAdvantages(new double[] {1, 0}, pp),
                "the reward side hands on the outcomes");
    }
}
