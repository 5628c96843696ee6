package dev.aha.runtime.policy.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Q8_0 blocks worked by hand, and the byte sizes of each type. */
class TensorEncoderTest {

    /** max |x| = 127: d = 1 (half 0x3c00), q = x rounded half away from zero. */
    @Test
    void aBlockWithScaleOneRoundsHalvesAwayFromZero() {
        float[] x = new float[32];
        x[0] = 2.5f;
        x[1] = -2.5f;
        x[2] = 0.5f;
        x[3] = -0.5f;
        x[4] = 1.49f;
        x[5] = 126.6f;
        x[6] = -127f;
        x[7] = 0.49f;
        byte[] expected = new byte[32];
        expected[0] = 3;
        expected[1] = -3;
        expected[2] = 1;
        expected[3] = -1;
        expected[4] = 1;
        expected[5] = 127;
        expected[6] = -127;
        expected[7] = 0;
        assertBlock(0x3c00, expected, x);
    }

    /** max |x| = 63.5: d = 0.5 (half 0x3800), 1/d = 2, so q = round(2x). */
    @Test
    void aBlockWithScaleOneHalf() {
        float[] x = new float[32];
        byte[] expected = new byte[32];
        x[0] = 63.5f;
        expected[0] = 127;
        x[1] = 0.25f; // 0.5 -> 1
        expected[1] = 1;
        x[2] = -0.75f; // -1.5 -> -2
        expected[2] = -2;
        x[31] = 10.1f; // 20.2 -> 20
        expected[31] = 20;
        assertBlock(0x3800, expected, x);
    }

    @Test
    void anAllZeroBlockHasScaleZeroAndZeroQuants() {
        assertBlock(0x0000, new byte[32], new float[32]);
    }

    @Test
    void twoBlocksAreWrittenOneAfterTheOther() {
        float[] x = new float[64];
        x[0] = 127f;
        x[32] = 63.5f;
        ByteBuffer out = ByteBuffer.allocate(68).order(ByteOrder.LITTLE_ENDIAN);
        TensorEncoder.encode(GgmlType.Q8_0, FloatBuffer.wrap(x), out);
        assertEquals(68, out.position());
        assertEquals(0x3c00, out.getShort(0) & 0xffff);
        assertEquals(127, out.get(2));
        assertEquals(0x3800, out.getShort(34) & 0xffff);
        assertEquals(127, out.get(36));
    }

    @Test
    void byteCountsFollowTheBlockLayout() {
        assertEquals(4 * 96, GgmlType.F32.byteCount(96));
        assertEquals(2 * 96, GgmlType.F16.byteCount(96));
        assertEquals(2 * 96, GgmlType.BF16.byteCount(96));
        assertEquals(3 * 34, GgmlType.Q8_0.byteCount(96));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q8_0.byteCount(33));
    }

    @Test
    void typeNamesParseAndAnUnknownOneIsOneLine() {
        assertEquals(GgmlType.Q8_0, GgmlType.parse("q8_0"));
        assertEquals(GgmlType.BF16, GgmlType.parse("BF16"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GgmlType.parse("q4_k"));
        assertEquals("GGUF tensor type must be f32, f16, bf16 or q8_0, was 'q4_k'", e.getMessage());
    }

    private static void assertBlock(int scaleBits, byte[] quants, float[] block) {
        ByteBuffer out = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        TensorEncoder.q8Block(block, out);
        assertEquals(scaleBits, out.getShort(0) & 0xffff, "the scale d as float16");
        byte[] q = new byte[32];
        out.position(2);
        out.get(q);
        assertArrayEquals(quants, q);
    }
}
