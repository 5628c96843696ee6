package dev.aha.runtime.sampling;

import com.typesafe.config.Config;

/**
 * How a rollout draws completions.
 *
 * @param temperature divides the logits; 0 means greedy. Behaviour log-probs are recorded under the
 *     temperature-scaled distribution, and the learner scores with the same temperature (as TRL does)
 * @param topP nucleus sampling: draw from the smallest set of tokens whose probability reaches topP (1 = off).
 *     The recorded log-prob stays that of the full tempered distribution, the convention of vLLM and TRL
 * @param maxNewTokens stop a completion after this many tokens if it has not drawn the end token
 */
public record SamplingSettings(float temperature, float topP, int maxNewTokens) {

    public SamplingSettings {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0 and finite, was " + temperature);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be positive, was " + maxNewTokens);
        }
    }

    /** Reads {@code aha.sampling} (see reference.conf). */
    public static SamplingSettings fromConfig(Config sampling) {
        return new SamplingSettings((float) sampling.getDouble("temperature"), (float) sampling.getDouble("top-p"),
                sampling.getInt("max-new-tokens"));
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
