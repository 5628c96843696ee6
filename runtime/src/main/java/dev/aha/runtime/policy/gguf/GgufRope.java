package dev.aha.runtime.policy.gguf;

import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.llama.RopeFrequencies;
import dev.aha.runtime.policy.llama.RopeScaling;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A model's RoPE scaling as llama.cpp reads it, written as its converter ({@code convert_hf_to_gguf.py}) writes it:
 * <ul>
 *   <li>linear: {@code <arch>.rope.scaling.type = "linear"} and {@code .factor};
 *   <li>yarn: {@code .type = "yarn"}, {@code .factor} and {@code .original_context_length}. llama.cpp's llama, qwen2
 *       and qwen3 read no other yarn key: they ramp over beta_fast 32 and beta_slow 1, round the ramp's ends to whole
 *       dimensions and scale cos/sin by transformers' default get_mscale(factor) (0.1 ln(factor) + 1), so a config
 *       that asks for anything else is refused;
 *   <li>llama3: a {@code rope_freqs.weight} tensor of d/2 per-dimension divisors of the frequencies, the first tensor
 *       of the file (the converter's {@code LlamaModel.generate_extra_tensors}). Only llama.cpp's llama graph reads
 *       it, so a llama3-scaled qwen2 or qwen3 is refused.
 * </ul>
 */
final class GgufRope {

    static final String ROPE_FREQS = "rope_freqs.weight";

    private GgufRope() {}

    /** Refuses, in one line, a scaling llama.cpp would compute differently from transformers. */
    static void refuseWhatLlamaCppLacks(LlamaConfig config) {
        RopeScaling scaling = config.ropeScaling();
        String arch = config.modelType();
        if (scaling instanceof RopeScaling.Llama3 && !arch.equals(LlamaConfig.LLAMA)) {
            throw new IllegalArgumentException("rope_type llama3 on " + arch + ": llama.cpp reads per-dimension RoPE "
                    + "factors (rope_freqs) for llama only, so this model cannot be written as GGUF");
        }
        if (scaling instanceof RopeScaling.Yarn yarn) {
            double derived = yarn.factor() <= 1 ? 1.0 : 0.1 * Math.log(yarn.factor()) + 1.0;
            String differs = yarn.betaFast() != 32 || yarn.betaSlow() != 1
                    ? "beta_fast " + yarn.betaFast() + " / beta_slow " + yarn.betaSlow() + " (llama.cpp uses 32 / 1)"
                    : !yarn.truncate() ? "truncate: false (llama.cpp rounds the ramp to whole dimensions)"
                    : Math.abs(yarn.attentionFactor() - derived) > 1e-12 * derived
                    ? "attention factor " + yarn.attentionFactor() + " (llama.cpp uses get_mscale(factor) = "
                            + derived + ")"
                    : null;
            if (differs != null) {
                throw new IllegalArgumentException("yarn with " + differs + ": llama.cpp's " + arch + " would rotate "
                        + "differently from transformers, so this model cannot be written as GGUF");
            }
        }
    }

    /** The scaling's metadata keys (none for plain RoPE and llama3). */
    static void put(LlamaConfig config, GgufMetadata m) {
        String prefix = config.modelType() + ".rope.scaling.";
        RopeScaling scaling = config.ropeScaling();
        if (scaling instanceof RopeScaling.Linear) {
            m.putString(prefix + "type", "linear");
            m.putFloat32(prefix + "factor", scaling.factor());
        } else if (scaling instanceof RopeScaling.Yarn yarn) {
            m.putString(prefix + "type", "yarn");
            m.putFloat32(prefix + "factor", yarn.factor());
            m.putUint32(prefix + "original_context_length", yarn.originalMaxPositionEmbeddings());
        }
    }

    /** The tensors the scaling adds ahead of the model's: rope_freqs for llama3, else none. */
    static List<GgufWriter.Tensor> tensors(LlamaConfig config) {
        if (!(config.ropeScaling() instanceof RopeScaling.Llama3 llama3)) {
            return List.of();
        }
        float[] factors = llama3Factors(config.headDim(), config.ropeTheta(), llama3);
        return List.of(new GgufWriter.Tensor(ROPE_FREQS, new long[] {factors.length}, GgmlType.F32,
                use -> use.accept(FloatBuffer.wrap(factors))));
    }

    /**
     * The converter's divisors, in float32 as its torch arithmetic: 1 where the wavelength is under
     * {@code original / high_freq_factor}, the factor over {@code original / low_freq_factor}, and
     * {@code 1 / ((1 - s) / factor + s)} between — llama.cpp divides theta_base^(-2i/d) by them, which gives
     * transformers' llama3 frequencies.
     */
    static float[] llama3Factors(int headDim, double theta, RopeScaling.Llama3 s) {
        float[] inv = RopeFrequencies.of(headDim, theta, null).inverse();
        float factor = (float) s.factor();
        float original = s.originalMaxPositionEmbeddings();
        float lowWavelen = (float) (s.originalMaxPositionEmbeddings() / s.lowFreqFactor());
        float highWavelen = (float) (s.originalMaxPositionEmbeddings() / s.highFreqFactor());
        float[] factors = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            float wavelen = (1f / inv[i]) * (float) (2 * Math.PI);
            if (wavelen < highWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowWavelen) {
                factors[i] = factor;
            } else {
                float smooth = ((1f / wavelen) * original - (float) s.lowFreqFactor())
                        / (float) (s.highFreqFactor() - s.lowFreqFactor());
                factors[i] = 1f / ((1f - smooth) / factor + smooth);
            }
        }
        return factors;
    }
}
