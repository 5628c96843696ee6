package dev.aha.runtime.policy;

import com.typesafe.config.Config;

/**
 * Sizes of the built-in decoder-only transformer.
 *
 * @param vocabSize tokens the embedding and output head cover (from the tokenizer)
 * @param contextLength most positions one sequence may hold: prompt plus completion
 * @param modelDim width of the residual stream (d_model)
 * @param layers transformer blocks
 * @param heads attention heads; must divide {@code modelDim}
 * @param mlpMultiplier hidden width of each MLP as a multiple of {@code modelDim} (4 in GPT-2)
 * @param initSeed seeds the initial weights, so two policies built from one config start identical
 */
public record PolicyConfig(
        int vocabSize, int contextLength, int modelDim, int layers, int heads, int mlpMultiplier, long initSeed) {

    public PolicyConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("contextLength", contextLength);
        requirePositive("modelDim", modelDim);
        requirePositive("layers", layers);
        requirePositive("heads", heads);
        requirePositive("mlpMultiplier", mlpMultiplier);
        if (modelDim % heads != 0) {
            throw new IllegalArgumentException(
                    "modelDim (" + modelDim + ") must be a multiple of heads (" + heads + ")");
        }
    }

    /** Reads {@code aha.policy} (see reference.conf); the vocabulary comes from the tokenizer. */
    public static PolicyConfig fromConfig(Config policy, int vocabSize) {
        return new PolicyConfig(vocabSize, policy.getInt("context-length"), policy.getInt("model-dim"),
                policy.getInt("layers"), policy.getInt("heads"), policy.getInt("mlp-multiplier"),
                policy.getLong("init-seed"));
    }

    /** A model small enough for unit tests: ~0.1M parameters. */
    public static PolicyConfig tiny(int vocabSize) {
        return new PolicyConfig(vocabSize, 96, 64, 2, 4, 4, 7L);
    }

    public int headDim() {
        return modelDim / heads;
    }

    public int mlpDim() {
        return modelDim * mlpMultiplier;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
