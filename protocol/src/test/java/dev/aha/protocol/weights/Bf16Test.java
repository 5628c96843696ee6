package dev.aha.protocol.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** float32 to bfloat16, by exact bit patterns, and over whole images that cross segment ends. */
class Bf16Test {

    private static short bf16(int floatBits) {
        return Bf16.fromFloatBits(floatBits);
    }

    @Test
    void shouldKeepValuesThatBfloat16HoldsExactly() {
        assertEquals((short) 0x3f80, Bf16.fromFloat(1.0f));
        assertEquals((short) 0xc020, Bf16.fromFloat(-2.5f));
        assertEquals((short) 0x0000, Bf16.fromFloat(0.0f));
        assertEquals((short) 0x8000, Bf16.fromFloat(-0.0f));
        assertEquals((short) 0x0080, bf16(0x0080_0000), "the smallest normal float, 2^-126");
        assertEquals((short) 0x0001, bf16(0x0001_0000), "a subnormal that bfloat16 holds");
        assertEquals(1.0f, Bf16.toFloat((short) 0x3f80));
        assertEquals(-2.5f, Bf16.toFloat((short) 0xc020));
        assertEquals(Float.MIN_NORMAL, Bf16.toFloat((short) 0x0080));
    }

    @Test
    void shouldRoundToNearest() {
        assertEquals((short) 0x3f80, bf16(0x3f80_7fff), "just under half: down");
        assertEquals((short) 0x3f81, bf16(0x3f80_8001), "just over half: up");
        assertEquals((short) 0xbf81, bf16(0xbf80_8001), "negative values round by magnitude");
    }

    @Test
    void shouldBreakTiesTowardsEven() {
        assertEquals((short) 0x3f80, bf16(0x3f80_8000), "1 + 2^-8 is halfway: stays on the even 0x3f80");
        assertEquals((short) 0x3f82, bf16(0x3f81_8000), "halfway above the odd 0x3f81: up to the even 0x3f82");
        assertEquals((short) 0xbf80, bf16(0xbf80_8000));
    }

    @Test
    void shouldCarryARoundingIntoTheExponent() {
        assertEquals((short) 0x4000, bf16(0x3fff_ffff), "the float just below 2 rounds up to 2.0");
        assertEquals(2.0f, Bf16.toFloat(bf16(0x3fff_ffff)));
        assertEquals((short) 0x0080, bf16(0x007f_ffff), "the largest subnormal rounds up to the smallest normal");
        assertEquals((short) 0x7f80, bf16(0x7f7f_ffff), "the largest float overflows to infinity");
    }

    @Test
    void shouldKeepInfinitiesAndNaNs() {
        assertEquals((short) 0x7f80, Bf16.fromFloat(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xff80, Bf16.fromFloat(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7fc0, Bf16.fromFloat(Float.NaN));
        assertTrue(Float.isNaN(Bf16.toFloat(bf16(0x7f80_0001))), "a NaN with only low payload bits stays NaN");
        assertTrue(Float.isNaN(Bf16.toFloat(bf16(0xff80_0001))));
        assertTrue(Float.isNaN(Bf16.toFloat(bf16(0x7fff_ffff))), "rounding never turns a NaN into infinity");
        assertEquals((short) 0xffc0, bf16(0xffc0_0000), "a NaN keeps its sign");
    }

    @Test
    void shouldWidenExactly() {
        for (int b = 0; b < 1 << 16; b++) {
            int bits = Bf16.toFloatBits((short) b);
            assertEquals(b << 16, bits);
            if (!Float.isNaN(Float.intBitsToFloat(bits))) {
                assertEquals((short) b, bf16(bits), "narrowing a widened value gives it back");
            }
        }
    }

    @Test
    void shouldNarrowAndWidenWholeImagesAcrossSegmentEnds() {
        int floats = 3 * (1 << 18) + 5; // 3 MiB + 20 bytes of float32, in 1 MiB segments
        FlatWeights f32 = FlatWeights.allocate(4L * floats, FlatWeights.MIN_SEGMENT_SHIFT);
        Random r = new Random(9);
        int[] bits = new int[floats];
        ByteBuffer in = ByteBuffer.allocate(4 * floats).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < floats; i++) {
            bits[i] = r.nextInt();
            in.putInt(bits[i]);
        }
        f32.put(0, in.flip());
        FlatWeights narrow = FlatWeights.allocate(2L * floats, FlatWeights.MIN_SEGMENT_SHIFT);
        Bf16.narrow(f32, narrow);
        FlatWeights wide = FlatWeights.allocate(4L * floats); // another segmentation on purpose
        Bf16.widen(narrow, wide);
        ByteBuffer n = narrow.toByteBuffer();
        ByteBuffer w = wide.toByteBuffer();
        for (int i = 0; i < floats; i++) {
            assertEquals(bf16(bits[i]), n.getShort(2 * i), "element " + i);
            assertEquals(Bf16.toFloatBits(bf16(bits[i])), w.getInt(4 * i), "element " + i);
        }
    }

    @Test
    void shouldRefuseImagesOfMismatchedSizes() {
        assertThrows(IllegalArgumentException.class, () -> Bf16.narrow(FlatWeights.allocate(8), FlatWeights.allocate(8)));
        assertThrows(IllegalArgumentException.class, () -> Bf16.widen(FlatWeights.allocate(3), FlatWeights.allocate(6)));
    }
}
