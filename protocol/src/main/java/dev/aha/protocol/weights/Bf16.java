package dev.aha.protocol.weights;

import java.nio.ByteBuffer;

/**
 * float32 to bfloat16 and back. bfloat16 is the top 16 bits of a float32 (sign, the same 8-bit exponent, 7 mantissa
 * bits), so widening is exact and narrowing only rounds the mantissa: to nearest, ties to even, as PyTorch's
 * {@code tensor.to(torch.bfloat16)} does. A NaN stays a NaN (its quiet bit is set, since cutting a signalling NaN's
 * low payload bits would otherwise leave infinity); infinities and overflow go to infinity.
 */
public final class Bf16 {

    private Bf16() {}

    /** The bfloat16 nearest to the float32 with these bits (ties to even). */
    public static short fromFloatBits(int bits) {
        if ((bits & 0x7fff_ffff) > 0x7f80_0000) {
            return (short) ((bits >>> 16) | 0x0040); // NaN: keep the sign and top payload, force the quiet bit
        }
        // Adding 0x7fff rounds up anything above half; the low bit of the kept half breaks a tie towards even. A
        // carry out of the mantissa correctly bumps the exponent (up to infinity for the largest finite values).
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** The float32 bits of a bfloat16: exact. */
    public static int toFloatBits(short bf16) {
        return (bf16 & 0xffff) << 16;
    }

    public static short fromFloat(float value) {
        return fromFloatBits(Float.floatToRawIntBits(value));
    }

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat(toFloatBits(bf16));
    }

    /** Narrows the float32 image {@code f32} into {@code bf16}, which must be exactly half its size. */
    public static void narrow(FlatWeights f32, FlatWeights bf16) {
        narrow(f32, bf16, 0, bf16.size());
    }

    /** Widens the bfloat16 image {@code bf16} into {@code f32}, which must be exactly twice its size. */
    public static void widen(FlatWeights bf16, FlatWeights f32) {
        widen(bf16, f32, 0, bf16.size());
    }

    /**
     * Narrows part of an image: bfloat16 bytes {@code [from, from + length)} from float32 bytes {@code [2 from,
     * 2 (from + length))} (the publisher narrows just ahead of what it sends).
     */
    static void narrow(FlatWeights f32, FlatWeights bf16, long from, long length) {
        checkRange(f32, bf16, from, length);
        for (long at = from, end = from + length; at < end; ) {
            int n = piece(f32, bf16, at, end);
            ByteBuffer in = f32.slice(2 * at, 2 * n);
            ByteBuffer out = bf16.slice(at, n);
            for (int i = 0, o = 0; o < n; i += 4, o += 2) {
                out.putShort(o, fromFloatBits(in.getInt(i)));
            }
            at += n;
        }
    }

    /** Widens part of an image: bfloat16 bytes {@code [from, from + length)} (a subscriber widens chunk by chunk). */
    static void widen(FlatWeights bf16, FlatWeights f32, long from, long length) {
        checkRange(f32, bf16, from, length);
        for (long at = from, end = from + length; at < end; ) {
            int n = piece(f32, bf16, at, end);
            ByteBuffer in = bf16.slice(at, n);
            ByteBuffer out = f32.slice(2 * at, 2 * n);
            for (int i = 0, o = 0; i < n; i += 2, o += 4) {
                out.putInt(o, toFloatBits(in.getShort(i)));
            }
            at += n;
        }
    }

    /** bf16 bytes from {@code at} that stay inside one segment of each image (whole elements: segments are even). */
    private static int piece(FlatWeights f32, FlatWeights bf16, long at, long end) {
        return (int) Math.min(end - at, Math.min(bf16.room(at), f32.room(2 * at) / 2));
    }

    private static void checkRange(FlatWeights f32, FlatWeights bf16, long from, long length) {
        if (f32.size() % Float.BYTES != 0 || bf16.size() * 2 != f32.size()) {
            throw new IllegalArgumentException("a float32 image of whole floats and a bfloat16 one half its size, "
                    + "were " + f32.size() + " and " + bf16.size() + " bytes");
        }
        if (from < 0 || length < 0 || from > bf16.size() - length || (from | length) % 2 != 0) {
            throw new IndexOutOfBoundsException("bfloat16 bytes [" + from + ", " + (from + length) + ") are not whole "
                    + "elements of an image of " + bf16.size());
        }
    }
}
