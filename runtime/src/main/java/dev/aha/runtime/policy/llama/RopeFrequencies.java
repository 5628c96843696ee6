package dev.aha.runtime.policy.llama;

/**
 * RoPE's inverse frequencies and the factor its cos and sin are multiplied by, computed as transformers'
 * {@code modeling_rope_utils.py} computes them for rope_type default, linear, llama3 and yarn. d = head_dim,
 * theta = rope_theta, i = 0 .. d/2-1, every step rounded to float32 where torch computes in float32 (a Python scalar
 * divided by a tensor is torch's {@code reciprocal(tensor) * scalar}, and is computed so here):
 *
 * <pre>
 *   default  inv[i] = 1 / theta^(2i/d)                                           attention factor 1
 *   linear   inv[i] / factor                                                     1
 *   llama3   wavelen = 2 pi / inv[i];  kept if wavelen &lt; L/high, inv/factor if wavelen &gt; L/low, else
 *            (1-s) inv/factor + s inv  with  s = (L/wavelen - low) / (high - low),  L = original context   1
 *   yarn     ramp[i] = clamp((i - lo) / (hi - lo), 0, 1),  e = 1 - ramp[i]
 *            inv/factor * (1 - e) + inv * e;  lo, hi = the dimensions that beta_fast and beta_slow rotations
 *            over the original context reach (floor and ceil when truncate)            attention_factor
 * </pre>
 */
public final class RopeFrequencies {

    private final float[] inverse;
    private final float attentionFactor;

    private RopeFrequencies(float[] inverse, double attentionFactor) {
        this.inverse = inverse;
        this.attentionFactor = (float) attentionFactor; // cos * attention_scaling is a float32 product in torch
    }

    /** The frequencies {@code config} describes: its head_dim, rope_theta and RoPE scaling. */
    public static RopeFrequencies of(LlamaConfig config) {
        return of(config.headDim(), config.ropeTheta(), config.ropeScaling());
    }

    /** @param scaling null for plain RoPE */
    public static RopeFrequencies of(int headDim, double theta, RopeScaling scaling) {
        if (scaling instanceof RopeScaling.Linear linear) {
            return new RopeFrequencies(linear(headDim, theta, linear), 1.0);
        }
        if (scaling instanceof RopeScaling.Llama3 llama3) {
            return new RopeFrequencies(llama3(headDim, theta, llama3), 1.0);
        }
        if (scaling instanceof RopeScaling.Yarn yarn) {
            return new RopeFrequencies(yarn(headDim, theta, yarn), yarn.attentionFactor());
        }
        return new RopeFrequencies(plain(headDim, theta), 1.0);
    }

    /** The d/2 inverse frequencies, one per rotated pair. */
    public float[] inverse() {
        return inverse.clone();
    }

    /** What cos and sin are multiplied by: 1 but for yarn. */
    public float attentionFactor() {
        return attentionFactor;
    }

    float inverse(int i) {
        return inverse[i];
    }

    int pairs() {
        return inverse.length;
    }

    /** theta^(2i/d), as torch's float32 {@code base ** (arange(0, d, 2).float() / d)}. */
    static float[] powers(int headDim, double theta) {
        float[] powers = new float[headDim / 2];
        float base = (float) theta;
        for (int i = 0; i < powers.length; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            powers[i] = (float) Math.pow(base, exponent);
        }
        return powers;
    }

    static float[] plain(int headDim, double theta) {
        float[] inv = powers(headDim, theta);
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1f / inv[i];
        }
        return inv;
    }

    private static float[] linear(int headDim, double theta, RopeScaling.Linear s) {
        float[] inv = plain(headDim, theta);
        for (int i = 0; i < inv.length; i++) {
            inv[i] /= (float) s.factor();
        }
        return inv;
    }

    private static float[] llama3(int headDim, double theta, RopeScaling.Llama3 s) {
        float[] inv = plain(headDim, theta);
        float factor = (float) s.factor();
        float lowWavelen = (float) (s.originalMaxPositionEmbeddings() / s.lowFreqFactor());
        float highWavelen = (float) (s.originalMaxPositionEmbeddings() / s.highFreqFactor());
        float original = s.originalMaxPositionEmbeddings();
        float low = (float) s.lowFreqFactor();
        float span = (float) (s.highFreqFactor() - s.lowFreqFactor());
        for (int i = 0; i < inv.length; i++) {
            float wavelen = (1f / inv[i]) * (float) (2 * Math.PI);
            float scaled = wavelen > lowWavelen ? inv[i] / factor : inv[i];
            if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                float smooth = ((1f / wavelen) * original - low) / span;
                scaled = (1f - smooth) * scaled / factor + smooth * scaled;
            }
            inv[i] = scaled;
        }
        return inv;
    }

    private static float[] yarn(int headDim, double theta, RopeScaling.Yarn s) {
        float[] powers = powers(headDim, theta);
        double low = correctionDimension(s.betaFast(), headDim, theta, s.originalMaxPositionEmbeddings());
        double high = correctionDimension(s.betaSlow(), headDim, theta, s.originalMaxPositionEmbeddings());
        if (s.truncate()) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, headDim - 1);
        if (low == high) {
            high += 0.001; // transformers' guard against a zero-width ramp
        }
        float from = (float) low;
        float width = (float) (high - low);
        float factor = (float) s.factor();
        float[] inv = new float[powers.length];
        for (int i = 0; i < inv.length; i++) {
            float ramp = Math.min(1f, Math.max(0f, ((float) i - from) / width));
            float extrapolation = 1f - ramp;
            float interpolated = 1f / (factor * powers[i]);
            float extrapolated = 1f / powers[i];
            inv[i] = interpolated * (1f - extrapolation) + extrapolated * extrapolation;
        }
        return inv;
    }

    /** The dimension whose frequency turns {@code rotations} times over {@code context} positions. */
    private static double correctionDimension(double rotations, int headDim, double theta, int context) {
        return headDim * Math.log(context / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }
}
