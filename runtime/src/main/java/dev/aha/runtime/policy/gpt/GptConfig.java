package dev.aha.runtime.policy.gpt;

import com.typesafe.config.Config;
import dev.aha.runtime.policy.KvShape;
import dev.aha.runtime.policy.ParameterLayout;

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
public record GptConfig(
        int vocabSize, int contextLength, int modelDim, int layers, int heads, int mlpMultiplier, long initSeed) {

    public static final String ARCHITECTURE = "gpt";

    public GptConfig {
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
    public static GptConfig fromConfig(Config policy, int vocabSize) {
        return new GptConfig(vocabSize, policy.getInt("context-length"), policy.getInt("model-dim"),
                policy.getInt("layers"), policy.getInt("heads"), policy.getInt("mlp-multiplier"),
                policy.getLong("init-seed"));
    }

    /** A model small enough for unit tests: ~0.1M parameters. */
    public static GptConfig tiny(int vocabSize) {
        return new GptConfig(vocabSize, 96, 64, 2, 4, 4, 7L);
    }

    /**
     * The weights, in the order of the flat image:
     *
     * <pre>
     *   wte            [vocab, d]          token embedding
     *   wpe            [context, d]        position embedding
     *   for each layer l = 0 .. layers-1:
     *     h.l.ln1.g    [d]     h.l.ln1.b    [d]        pre-attention LayerNorm
     *     h.l.attn.wqkv [d, 3d] h.l.attn.bqkv [3d]     fused q, k, v projection (q | k | v along the last axis)
     *     h.l.attn.wo  [d, d]  h.l.attn.bo  [d]        attention output projection
     *     h.l.ln2.g    [d]     h.l.ln2.b    [d]        pre-MLP LayerNorm
     *     h.l.mlp.w1   [d, m]  h.l.mlp.b1   [m]        m = mlpMultiplier * d
     *     h.l.mlp.w2   [m, d]  h.l.mlp.b2   [d]
     *   lnf.g [d]  lnf.b [d]                           final LayerNorm
     *   head           [d, vocab]          output head (not tied to wte)
     * </pre>
     */
    /** Every head has its own keys and values. */
    public KvShape kvShape() {
        return new KvShape(layers, heads, headDim());
    }

    public ParameterLayout layout() {
        int d = modelDim;
        int m = mlpDim();
        ParameterLayout.Builder b = ParameterLayout.builder().add("wte", vocabSize, d).add("wpe", contextLength, d);
        for (int l = 0; l < layers; l++) {
            String p = "h." + l + ".";
            b.add(p + "ln1.g", d).add(p + "ln1.b", d)
                    .add(p + "attn.wqkv", d, 3L * d).add(p + "attn.bqkv", 3L * d)
                    .add(p + "attn.wo", d, d).add(p + "attn.bo", d)
                    .add(p + "ln2.g", d).add(p + "ln2.b", d)
                    .add(p + "mlp.w1", d, m).add(p + "mlp.b1", m)
                    .add(p + "mlp.w2", m, d).add(p + "mlp.b2", d);
        }
        return b.add("lnf.g", d).add("lnf.b", d).add("head", d, vocabSize).build();
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
