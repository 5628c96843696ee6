package dev.aha.runtime.policy.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** float32 to float16 and bfloat16: known values, ties to even, and every half value back and forth. */
class HalfFloatsTest {

    @Test
    void knownFloat16Values() {
        assertF16(0x3c00, 1f);
        assertF16(0xc000, -2f);
        assertF16(0x0000, 0f);
        assertF16(0x8000, -0f);
        assertF16(0x2e66, 0.1f); // 0.0999755859375, the nearest half
        assertF16(0x7bff, 65504f); // the largest half
        assertF16(0x7bff, 65519.99f); // just under the midpoint to infinity
        assertF16(0x7c00, 65520f); // the midpoint rounds to even: infinity
        assertF16(0xfc00, -1e6f);
        assertF16(0x7c00, Float.POSITIVE_INFINITY);
        assertF16(0x0400, 0x1p-14f); // the smallest normal
        assertF16(0x0001, 0x1p-24f); // the smallest subnormal
        assertF16(0x0000, 0x1p-25f); // half of it: a tie, to even (zero)
        assertF16(0x0002, 2.25f * 0x1p-24f); // nearest: 2 x 2^-24
        assertF16(0x0002, 3 * 0x1p-25f); // 1.5 x 2^-24: a tie between 1 and 2, to even (2)
        assertF16(0x03ff, 0x1.ff8p-15f); // the largest subnormal
        assertF16(0x3c00, 1f + 0x1p-11f); // a tie between 1 and 1 + 2^-10: to even (1)
        assertF16(0x3c02, 1f + 3 * 0x1p-11f); // a tie between 1 + 2^-10 and 1 + 2^-9: to even
        assertF16(0x3c01, 1f + 0x1p-11f + 0x1p-20f); // just over the tie
        short nan = HalfFloats.floatToF16(Float.NaN);
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(nan)), "NaN stays NaN");
    }

    @Test
    void everyHalfSurvivesARoundTripAndEveryMidpointRoundsToEven() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(h, HalfFloats.floatToF16(f) & 0xffff, "half 0x" + Integer.toHexString(h));
            if ((h & 0x7fff) < 0x7bff) { // a finite half above it: the midpoint between them rounds to even
                int next = h + 1; // one ulp further from zero, same sign
                float upper = HalfFloats.f16ToFloat((short) next);
                float mid = (float) (((double) f + upper) / 2); // exact: halves have 11 significant bits
                int even = (h & 1) == 0 ? h : next;
                String at = "midpoint after 0x" + Integer.toHexString(h);
                assertEquals(even, HalfFloats.floatToF16(mid) & 0xffff, at);
                float towardZero = Math.copySign(Math.nextDown(Math.abs(mid)), mid);
                float awayFromZero = Math.copySign(Math.nextUp(Math.abs(mid)), mid);
                assertEquals(h, HalfFloats.floatToF16(towardZero) & 0xffff, at);
                assertEquals(next, HalfFloats.floatToF16(awayFromZero) & 0xffff, at);
            }
        }
    }

    @Test
    void knownBfloat16Values() {
        assertEquals(0x3f80, HalfFloats.floatToBf16(1f) & 0xffff);
        assertEquals(0x3dcd, HalfFloats.floatToBf16(0.1f) & 0xffff); // 0x3dcccccd rounds up
        assertEquals(0x3f80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808000)) & 0xffff); // tie to even
        assertEquals(0x3f82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f818000)) & 0xffff); // tie to even
        assertEquals(1f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f)));
    }

    private static void assertF16(int expected, float value) {
        assertEquals(expected, HalfFloats.floatToF16(value) & 0xffff, value + " -> half");
    }
}
