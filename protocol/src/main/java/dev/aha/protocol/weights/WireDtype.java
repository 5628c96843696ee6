package dev.aha.protocol.weights;

import java.util.Locale;

/**
 * How a float32 weight image crosses the weight plane ({@code aha.weights.wire-dtype}). Listeners always receive
 * float32: the dtype only changes the bytes on the wire, never what a policy imports.
 */
public enum WireDtype {
    /** The image as it is: bit-exact. */
    F32(1),
    /**
     * bfloat16 (the top half of each float32, rounded to nearest even): half the bytes on the wire, 8 bits of
     * mantissa in the rollouts' replicas. The learner keeps its float32 master weights.
     */
    BF16(2);

    /** The value in every chunk header, so that a subscriber never reads one dtype as another. */
    final int code;

    WireDtype(int code) {
        this.code = code;
    }

    /** The dtype a chunk header names, or null for a code no dtype has. */
    static WireDtype fromCode(int code) {
        for (WireDtype d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        return null;
    }

    /** Reads a configured name, {@code f32} or {@code bf16} (case ignored). */
    public static WireDtype parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("aha.weights.wire-dtype must be f32 or bf16, was '" + name + "'", e);
        }
    }

    /** Bytes on the wire for a float32 image of {@code imageBytes}; throws if the image is not whole floats. */
    public long wireBytes(long imageBytes) {
        if (imageBytes <= 0 || imageBytes % Float.BYTES != 0) {
            throw new IllegalArgumentException("a float32 weight image is a positive multiple of 4 bytes, was "
                    + imageBytes);
        }
        return this == F32 ? imageBytes : imageBytes / 2;
    }

    /** The name as configured. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
