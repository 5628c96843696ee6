package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import org.junit.jupiter.api.Test;

/** RLOO's baseline, worked by hand: A_i = r_i - (sum of the others) / (G - 1). */
class LeaveOneOutAdvantagesTest {

    @Test
    void shouldSubtractTheMeanOfTheOtherCompletions() {
        // 1 - (0.5 + 0) / 2 = 0.75;  0.5 - (1 + 0) / 2 = 0;  0 - (1 + 0.5) / 2 = -0.75
        assertArrayEquals(new float[] {0.75f, 0f, -0.75f}, LeaveOneOutAdvantages.compute(new double[] {1, 0.5, 0}),
                1e-7f);
        // 1 - 1/3 = 0.666667; 0 - 2/3 = -0.666667: G/(G-1) = 4/3 times GRPO's unscaled (r - mean) = +-0.5
        assertArrayEquals(new float[] {2f / 3, -2f / 3, -2f / 3, 2f / 3},
                LeaveOneOutAdvantages.compute(new double[] {1, 0, 0, 1}), 1e-6f);
        assertArrayEquals(new float[4], LeaveOneOutAdvantages.compute(new double[] {0.3, 0.3, 0.3, 0.3}),
                "a uniform group carries no signal, exactly");
    }

    @Test
    void shouldBeWhatTheRlooSwitchHandsTheLearner() {
        GrpoSettings rloo = GrpoSettings.paper().withAlgorithm(Algorithm.RLOO);
        assertArrayEquals(new float[] {0.75f, 0f, -0.75f}, rloo.algorithm().groupAdvantages(new double[] {1, 0.5, 0},
                rloo), 1e-7f, "no std division, whatever scale-advantages-by-std says");
    }

    @Test
    void shouldRefuseAGroupOfOneAndRewardsThatAreNotFinite() {
        assertEquals("RLOO needs at least 2 completions per prompt, had 1", assertThrows(
                IllegalArgumentException.class, () -> LeaveOneOutAdvantages.compute(new double[] {1})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LeaveOneOutAdvantages.compute(new double[] {1, Double.NaN}));
    }

    /**
     * RLOO trains with GRPO's token surrogate; a multi-turn observation (ratio 3, mask 0) stays out of it. Token mean,
     * every policy ratio 1: (0.75 * 1 + 0 * 2 - 0.75 * 2) / 5 policy tokens = -0.15; loss 0.15.
     */
    @Test
    void shouldLeaveObservationTokensOutOfTheLoss() {
        ComputeThreads.prepare(1);
        try (NDManager m = NDManager.newBaseManager()) {
            GrpoSettings rloo = new GrpoSettings(0.2, 0.28, 0, LossAggregation.TOKEN_MEAN, true, 1e-4, 0)
                    .withAlgorithm(Algorithm.RLOO);
            float[] advantages = LeaveOneOutAdvantages.compute(new double[] {1, 0.5, 0});
            Shape shape = new Shape(3, 2);
            float ln3 = (float) Math.log(3);
            GrpoLoss.Output out = PolicyLoss.of(rloo).compute(
                    m.create(new float[] {-1f, -1f + ln3, -1f, -1f, -1f, -1f}, shape), m.full(shape, -1f), null,
                    m.create(new float[] {1, 0, 1, 1, 1, 1}, shape), m.create(advantages, new Shape(3, 1)));
            assertEquals(0.15f, out.loss().getFloat(), 1e-6f);
            assertEquals(1f, out.diagnostics().meanRatio(), 1e-6f, "the observation's ratio 3 not counted");
        }
    }
}
