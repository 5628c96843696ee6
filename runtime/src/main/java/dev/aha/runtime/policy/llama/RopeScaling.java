package dev.aha.runtime.policy.llama;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A RoPE scaling rule of transformers' {@code modeling_rope_utils.py} ({@code rope_scaling} in transformers 4,
 * {@code rope_parameters} in 5), with every default resolved as transformers resolves it when it reads the config
 * (see {@link RopeScalingParser}). Plain RoPE has none (a null {@link LlamaConfig#ropeScaling()}).
 * {@link RopeFrequencies} turns a rule into inverse frequencies.
 */
public sealed interface RopeScaling permits RopeScaling.Linear, RopeScaling.Llama3, RopeScaling.Yarn {

    /** transformers' {@code rope_type}. */
    String type();

    /** The context multiple the rule stretches RoPE by. */
    double factor();

    /** The block as {@code rope_scaling} holds it, every key explicit. */
    ObjectNode toJson();

    /** {@code linear}: every inverse frequency divided by the factor (position interpolation). */
    record Linear(double factor) implements RopeScaling {

        @Override
        public String type() {
            return "linear";
        }

        @Override
        public ObjectNode toJson() {
            return block(type(), factor);
        }
    }

    /**
     * {@code llama3} (Llama 3.1 and 3.2): frequencies whose wavelength is under
     * {@code original / high_freq_factor} kept, over {@code original / low_freq_factor} divided by the factor, the
     * ones between blended.
     */
    record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings)
            implements RopeScaling {

        @Override
        public String type() {
            return "llama3";
        }

        @Override
        public ObjectNode toJson() {
            return block(type(), factor).put("low_freq_factor", lowFreqFactor)
                    .put("high_freq_factor", highFreqFactor)
                    .put("original_max_position_embeddings", originalMaxPositionEmbeddings);
        }
    }

    /**
     * {@code yarn}: frequencies ramped between extrapolation and interpolation by the factor over the dimensions
     * that {@code beta_fast} and {@code beta_slow} rotations bound, and cos/sin multiplied by
     * {@code attentionFactor}.
     *
     * @param originalMaxPositionEmbeddings the key, or transformers' fallback max_position_embeddings
     * @param betaFast the key, or 32 when absent or 0 (transformers reads {@code get("beta_fast") or 32})
     * @param betaSlow the key, or 1 when absent or 0
     * @param attentionFactor the key, or what transformers derives from the factor, mscale and mscale_all_dim
     * @param truncate whether the ramp's ends are rounded out to whole dimensions (the key; true when absent)
     */
    record Yarn(double factor, int originalMaxPositionEmbeddings, double betaFast, double betaSlow,
            double attentionFactor, boolean truncate) implements RopeScaling {

        @Override
        public String type() {
            return "yarn";
        }

        @Override
        public ObjectNode toJson() {
            return block(type(), factor).put("original_max_position_embeddings", originalMaxPositionEmbeddings)
                    .put("beta_fast", betaFast).put("beta_slow", betaSlow).put("attention_factor", attentionFactor)
                    .put("truncate", truncate);
        }
    }

    private static ObjectNode block(String type, double factor) {
        return JsonNodeFactory.instance.objectNode().put("rope_type", type).put("factor", factor);
    }
}
