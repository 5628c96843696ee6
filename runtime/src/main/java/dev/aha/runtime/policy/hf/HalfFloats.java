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
