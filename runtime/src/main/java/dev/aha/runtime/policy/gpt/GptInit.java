package dev.aha.runtime.policy.gpt;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;

/**
 * GPT-2's initial weights: LayerNorm gains 1, biases and shifts 0, matrices N(0, 0.02) (the position table 0.01),
 * the projections into the residual stream scaled down by sqrt(2 x layers).
 */
final class GptInit {

    private GptInit() {}

    /** The next parameter's values, drawn from {@code rng} in layout order. */
    static float[] values(GptConfig config, String name, Shape shape, Random rng) {
        float[] values = new float[Math.toIntExact(shape.size())];
        if (name.endsWith(".g")) {
            Arrays.fill(values, 1f);
        } else if (!name.contains(".b")) {
            float residualStd = (float) (0.02 / Math.sqrt(2.0 * config.layers()));
            float std = name.equals("wpe") ? 0.01f
                    : (name.endsWith("attn.wo") || name.endsWith("mlp.w2")) ? residualStd : 0.02f;
            for (int j = 0; j < values.length; j++) {
                values[j] = (float) (rng.nextGaussian() * std);
            }
        }
        return values;
    }
}
