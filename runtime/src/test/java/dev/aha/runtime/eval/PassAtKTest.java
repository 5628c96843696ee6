package dev.aha.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * pass@k = 1 - C(n - c, k) / C(n, k), worked by hand for n = 5:
 *
 * <pre>
 *   c \ k   1     2                      3                     4    5
 *   0       0     0                      0                     0    0
 *   2       0.4   1 - C(3,2)/C(5,2)=0.7  1 - C(3,3)/C(5,3)=0.9 1    1     (n - c = 3 &lt; k: always a correct one)
 *   5       1     1                      1                     1    1
 * </pre>
 */
class PassAtKTest {

    @Test
    void shouldMatchTheHandWorkedTable() {
        assertArrayEquals(new double[] {0, 0, 0, 0, 0}, PassAtK.every(5, 0), 0);
        assertArrayEquals(new double[] {0.4, 0.7, 0.9, 1, 1}, PassAtK.every(5, 2), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, PassAtK.every(5, 5), 0);
        assertEquals(0.8, PassAtK.estimate(10, 1, 8), 1e-12, "1 - C(9,8)/C(10,8) = 1 - 9/45");
    }

    @Test
    void shouldStayFiniteWhereTheBinomialsOverflowADouble() {
        // C(1000, 100) is about 6e139; python's exact 1 - comb(990,100)/comb(1000,100)
        assertEquals(0.653072285207994, PassAtK.estimate(1000, 10, 100), 1e-12);
        assertEquals(0.5, PassAtK.estimate(2000, 1, 1000), 1e-12, "1 - C(1999,1000)/C(2000,1000) = 1 - 1000/2000");
    }

    @Test
    void shouldRefuseAKOutsideOneToNInOneLine() {
        assertEquals("pass@k needs 1 <= k <= n (n = 8 samples per prompt), was k = 0",
                assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(8, 3, 0)).getMessage());
        assertEquals("pass@k needs 1 <= k <= n (n = 8 samples per prompt), was k = 9",
                assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(8, 3, 9)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(8, 9, 1));
        EvalResult r = new EvalResult(2, 4, 0.5, Double.NaN, 0.5, 1, 3, Double.NaN, new double[] {0.5, 0.6, 0.7, 0.8});
        assertEquals(0.8, r.passAt(4));
        assertEquals("pass@k needs 1 <= k <= n (n = 4 samples per prompt), was k = 5",
                assertThrows(IllegalArgumentException.class, () -> r.passAt(5)).getMessage());
    }
}
