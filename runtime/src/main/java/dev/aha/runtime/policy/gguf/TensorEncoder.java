package dev.aha.runtime.policy.gguf;

import dev.aha.runtime.policy.hf.HalfFloats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Float32 values to the bytes of a GGUF tensor, little-endian, bit for bit as gguf-py's {@code quants.quantize}
 * writes them: float16 and bfloat16 round to nearest even; Q8_0 takes blocks of 32 values, scale
 * {@code d = max|x| / 127} (float32, stored as float16) and {@code q = round(x / d)} with ties away from zero, computed
 * as {@code x * (1/d)} in float32 as ggml's reference quantizer does.
 */
final class TensorEncoder {

    private static final int CHUNK_BYTES = 1 << 20;

    private TensorEncoder() {}

    /** Encodes the remaining values of {@code values} as {@code type} and writes them to {@code out}. */
    static void write(GgmlType type, FloatBuffer values, WritableByteChannel out) throws IOException {
        if (values.remaining() % type.blockSize() != 0) {
            throw new IllegalArgumentException(values.remaining() + " values do not fill blocks of "
                    + type.blockSize() + " (" + type + ")");
        }
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = (int) (CHUNK_BYTES / type.byteCount(type.blockSize())) * type.blockSize();
        while (values.hasRemaining()) {
            int n = Math.min(perChunk, values.remaining());
            FloatBuffer part = values.slice();
            part.limit(n);
            encode(type, part, chunk);
            values.position(values.position() + n);
            chunk.flip();
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            chunk.clear();
        }
    }

    /** Encodes all remaining values of {@code values} into {@code out}, which must have room. */
    static void encode(GgmlType type, FloatBuffer values, ByteBuffer out) {
        switch (type) {
            case F32 -> {
                while (values.hasRemaining()) {
                    out.putFloat(values.get());
                }
            }
            case F16 -> {
                while (values.hasRemaining()) {
                    out.putShort(HalfFloats.floatToF16(values.get()));
                }
            }
            case BF16 -> {
                while (values.hasRemaining()) {
                    out.putShort(HalfFloats.floatToBf16(values.get()));
                }
            }
            case Q8_0 -> {
                float[] block = new float[32];
                while (values.hasRemaining()) {
                    values.get(block);
                    q8Block(block, out);
                }
            }
            default -> throw new IllegalStateException("no encoder for " + type);
        }
    }

    /** One Q8_0 block: the float16 scale, then 32 signed bytes. */
    static void q8Block(float[] block, ByteBuffer out) {
        float max = 0f;
        for (float v : block) {
            max = Math.max(max, Math.abs(v));
        }
        float d = max / 127f;
        float inverse = d == 0f ? 0f : 1f / d;
        out.putShort(HalfFloats.floatToF16(d));
        for (float v : block) {
            out.put((byte) roundHalfAway(v * inverse));
        }
    }

    /** numpy's {@code np_roundf} of gguf-py (C's roundf): halves away from zero, in float32. */
    static float roundHalfAway(float x) {
        float a = Math.abs(x);
        float floor = (float) Math.floor(a);
        float rounded = floor + (float) Math.floor(2f * (a - floor));
        return Math.copySign(rounded, x);
    }
}
