package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    /**
     * Dynamic sampling's predicate: uniform exactly when every advantage is 0, whatever the scaling, so a dropped
     * group is one that had no policy gradient to give, and a group with any difference at all is kept.
     */
    @ParameterizedTest(name = "{0}: uniform = {1}")
    @MethodSource("groups")
    void uniformExactlyWhenEveryAdvantageIsZero(double[] rewards, boolean uniform) {
        assertEquals(uniform, GroupAdvantages.isUniform(rewards));
        for (boolean scale : new boolean[] {true, false}) {
            float[] a = GroupAdvantages.compute(rewards, scale, 1e-4);
            boolean allZero = true;
            for (float x : a) {
                allZero &= x == 0f;
            }
            assertEquals(uniform, allZero, "advantages " + Arrays.toString(a));
        }
    }

    static Stream<Arguments> groups() {
        return Stream.of(
                Arguments.of(new double[] {1, 1, 1, 1}, true), // all right
                Arguments.of(new double[] {0, 0, 0, 0}, true), // all wrong
                Arguments.of(new double[] {1.2, 1.2}, true), // right and well formatted, G = 2
                Arguments.of(new double[] {-0.375, -0.375, -0.375}, true), // equally punished for length
                Arguments.of(new double[] {0.0, -0.0}, true), // the same number
                Arguments.of(new double[] {1, 1, 1, 0}, false), // one wrong is signal
                Arguments.of(new double[] {0, 0, 0, 0.2}, false), // format alone is signal
                Arguments.of(new double[] {1, 1, 1, 1 - 1e-9}, false), // a tiny punishment is signal
                Arguments.of(new double[] {0, 1}, false));
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
