package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GroupAdvantagesTest {

    @Test
    void shouldCentreAndScaleByTheSampleStd() {
        // rewards 1, 0, 0: mean 1/3, sample std sqrt(((2/3)^2 + 2 (1/3)^2) / 2) = sqrt(1/3)
        float[] a = GroupAdvantages.compute(new double[] {1, 0, 0}, true, 0);
        double s = Math.sqrt(1.0 / 3);
        assertArrayEquals(new float[] {(float) (2.0 / 3 / s), (float) (-1.0 / 3 / s), (float) (-1.0 / 3 / s)}, a, 1e-6f);
    }

    @Test
    void shouldOnlyCentreWithoutStdScaling() {
        assertArrayEquals(new float[] {0.5f, -0.5f, 0.5f, -0.5f},
                GroupAdvantages.compute(new double[] {1, 0, 1, 0}, false, 1e-4), 1e-7f);
    }

    @Test
    void shouldGiveZeroAdvantagesToAUniformGroup() {
        double[] uniform = {0.7, 0.7, 0.7};
        assertArrayEquals(new float[3], GroupAdvantages.compute(uniform, true, 1e-4), 0f);
        assertTrue(GroupAdvantages.isUniform(uniform));
        assertFalse(GroupAdvantages.isUniform(new double[] {0.7, 0.7, 0.1}));
    }

    @Test
    void shouldAddEpsToTheStd() {
        float[] a = GroupAdvantages.compute(new double[] {1, 0}, true, 1.0);
        double std = Math.sqrt(0.5);
        assertEquals((float) (0.5 / (std + 1.0)), a[0], 1e-7f);
    }

    @Test
    void shouldRejectTinyGroupsAndNonFiniteRewards() {
        assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.compute(new double[] {1}, true, 1e-4));
        assertThrows(IllegalArgumentException.class,
                () -> GroupAdvantages.compute(new double[] {1, Double.NaN}, true, 1e-4));
    }
}
