package dev.aha.runtime.policy.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.AlignedArrays;
import java.util.Arrays;

/**
 * Rotary position embeddings with the rotate-half convention, as transformers' {@code LlamaRotaryEmbedding} and
 * {@code apply_rotary_pos_emb} compute them. Symbols: d = head_dim, p = position, a = the attention factor.
 *
 * <pre>
 *   inv_freq[i] = {@link RopeFrequencies}            i = 0 .. d/2-1, float32 (plain: 1 / theta^(2i / d))
 *   freqs[p, i] = p * inv_freq[i]                    float32, as transformers (autocast off)
 *   emb[p]      = concat(freqs[p], freqs[p])         (d)
 *   cos, sin    = cos(emb) * a, sin(emb) * a         a = 1 but for yarn
 *   x'          = x * cos + rotate_half(x) * sin,    rotate_half(x) = concat(-x[d/2:], x[:d/2])
 * </pre>
 *
 * The cos/sin tables are computed on the host for the positions actually used (grown on demand, never past the
 * context), not for all max_position_embeddings: Qwen3 declares 40,960 positions. Each call copies the rows it needs
 * into the caller's manager, so nothing lives in the policy's manager.
 */
final class RotaryEmbedding {

    private final int headDim;
    private final int maxPositions;
    private final RopeFrequencies frequencies;
    private float[] cos = new float[0];
    private float[] sin = new float[0];
    private int cachedPositions;

    RotaryEmbedding(RopeFrequencies frequencies, int maxPositions) {
        this.headDim = 2 * frequencies.pairs();
        this.maxPositions = maxPositions;
        this.frequencies = frequencies;
    }

    /** cos and sin of positions {@code offset .. offset+length-1}: two (length, d) arrays in {@code scope}. */
    NDArray[] cosSin(NDManager scope, int offset, int length) {
        ensure(offset + length);
        int from = offset * headDim;
        int to = (offset + length) * headDim;
        Shape shape = new Shape(length, headDim);
        return new NDArray[] {
            // in libtorch's memory: the backward of x * cos keeps cos, which must not depend on a Java buffer's life
            AlignedArrays.of(scope, Arrays.copyOfRange(cos, from, to), shape),
            AlignedArrays.of(scope, Arrays.copyOfRange(sin, from, to), shape)
        };
    }

    /**
     * cos and sin at one position per row (a batched decode step whose sequences sit at different positions): two
     * (rows, d) arrays in {@code scope}.
     */
    NDArray[] cosSinAt(NDManager scope, int[] positions) {
        int longest = 0;
        for (int p : positions) {
            longest = Math.max(longest, p);
        }
        ensure(longest + 1);
        float[] c = new float[positions.length * headDim];
        float[] s = new float[positions.length * headDim];
        for (int r = 0; r < positions.length; r++) {
            System.arraycopy(cos, positions[r] * headDim, c, r * headDim, headDim);
            System.arraycopy(sin, positions[r] * headDim, s, r * headDim, headDim);
        }
        Shape shape = new Shape(positions.length, headDim);
        return new NDArray[] {AlignedArrays.of(scope, c, shape), AlignedArrays.of(scope, s, shape)};
    }

    /** cos and sin at {@code position} as two float32 rows of d, for a native step. */
    float[][] tablesAt(int position) {
        ensure(position + 1);
        int from = position * headDim;
        return new float[][] {Arrays.copyOfRange(cos, from, from + headDim), Arrays.copyOfRange(sin, from,
                from + headDim)};
    }

    /** x * cos + rotate_half(x) * sin, broadcasting the (T, d) tables over x's leading axes (..., T, d). */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(rotateHalf(x).mul(sin));
    }

    /** concat(-x2, x1) for x = concat(x1, x2) along the last axis. */
    static NDArray rotateHalf(NDArray x) {
        long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        return x2.neg().concat(x1, -1);
    }

    private void ensure(int positions) {
        if (positions <= cachedPositions) {
            return;
        }
        if (positions > maxPositions) {
            throw new IllegalArgumentException("position " + (positions - 1) + " is past the context of "
                    + maxPositions);
        }
        // Grow geometrically so a decode loop recomputes the table O(log n) times, not once per token.
        int n = Math.min(maxPositions, Math.max(positions, Math.max(64, 2 * cachedPositions)));
        float[] c = new float[n * headDim];
        float[] s = new float[n * headDim];
        int half = headDim / 2;
        float scale = frequencies.attentionFactor();
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * frequencies.inverse(i); // float32, as transformers' matmul of float32s
                float cv = (float) Math.cos(angle) * scale;
                float sv = (float) Math.sin(angle) * scale;
                c[p * headDim + i] = cv;
                c[p * headDim + half + i] = cv;
                s[p * headDim + i] = sv;
                s[p * headDim + half + i] = sv;
            }
        }
        cos = c;
        sin = s;
        cachedPositions = n;
    }
}
