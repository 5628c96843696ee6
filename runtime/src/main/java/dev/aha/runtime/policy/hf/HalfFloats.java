package dev.aha.runtime.policy.hf;

/**
 * Conversions between float32 and the two 16-bit float formats of Hugging Face checkpoints (Java 17 has no
 * {@code Float.float16ToFloat}). Widening to float32 is exact for both; narrowing to bfloat16 rounds to nearest even,
 * as {@code torch.Tensor.to(torch.bfloat16)} does.
 */
public final class HalfFloats {

    private HalfFloats() {}

    /** bfloat16 is the top half of a float32: widening is a shift. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Rounds to the nearest bfloat16, ties to even; NaN stays NaN (quieted), infinities stay infinite. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /**
     * Rounds to the nearest IEEE 754 binary16, ties to even, as numpy's {@code astype(float16)} and
     * {@code torch.Tensor.half()} do: values past the largest half (65504) round to infinity, tiny ones to
     * subnormals or signed zero; NaN stays NaN (quiet).
     */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude >= 0x7f800000) { // infinity or NaN
            return (short) (sign | 0x7c00 | (magnitude > 0x7f800000 ? 0x200 | ((magnitude >>> 13) & 0x3ff) : 0));
        }
        if (magnitude >= 0x477ff000) { // rounds past 65504 (0x477fe000 + half an ulp)
            return (short) (sign | 0x7c00);
        }
        if (magnitude < 0x38800000) { // below the smallest normal half, 2^-14: a subnormal, exact in float math
            // magnitude * 2^24 as an integer with round-half-even; values under half of 2^-24 become zero
            float scaled = Float.intBitsToFloat(magnitude) * 0x1p24f;
            return (short) (sign | (int) Math.rint(scaled));
        }
        // normal: rebias the exponent from 127 to 15 and round the 13 dropped mantissa bits to nearest even
        int rebased = magnitude - (112 << 23);
        int rounded = rebased + 0xfff + ((rebased >>> 13) & 1);
        return (short) (sign | (rounded >>> 13));
    }

    /** IEEE 754 binary16 to float32: every half value (subnormals, infinities, NaN payloads) is exactly representable. */
    public static float f16ToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        // rebias the exponent from 15 to 127
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
