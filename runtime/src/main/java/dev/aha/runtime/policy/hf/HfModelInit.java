package dev.aha.runtime.policy.hf;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.llama.LlamaConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Writes a randomly initialised Llama-family model as a Hugging Face directory, initialised as transformers'
 * {@code _init_weights} does: every nn.Linear and nn.Embedding weight ~ normal(0, initializer_range = 0.02), every
 * RMSNorm weight 1, every bias 0. The draws come from one {@link Random} seeded with {@link Spec#seed}, tensor by
 * tensor in layout order, so the same spec gives the same bytes on any machine.
 */
public final class HfModelInit {

    /** transformers' default {@code initializer_range}. */
    public static final double INITIALIZER_RANGE = 0.02;

    /** Values drawn and handed to the writer at a time (16 MiB of heap float32, twice). */
    private static final long DRAWS_PER_PIECE = 1 << 22;

    private HfModelInit() {}

    /**
     * The model to create.
     *
     * @param architecture {@code llama}, {@code qwen2} or {@code qwen3}
     * @param headDim 0 for hidden / heads
     * @param maxPositionEmbeddings the config's max_position_embeddings
     * @param bosTokenId null if unknown
     * @param eosTokenId null if unknown
     */
    public record Spec(String architecture, int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize,
            int vocabSize, int headDim, boolean tieWordEmbeddings, long seed, int maxPositionEmbeddings,
            double ropeTheta, double rmsNormEps, Integer bosTokenId, Integer eosTokenId) {

        /** Defaults for the rest: head_dim = hidden/heads, 4096 positions, theta 1e6 (Qwen) or 5e5 (Llama 3), eps 1e-6. */
        public static Spec of(String architecture, int hiddenSize, int layers, int heads, int kvHeads,
                int intermediateSize, int vocabSize, boolean tieWordEmbeddings, long seed) {
            double theta = LlamaConfig.LLAMA.equals(architecture) ? 500_000.0 : 1_000_000.0;
            return new Spec(architecture, hiddenSize, layers, heads, kvHeads, intermediateSize, vocabSize, 0,
                    tieWordEmbeddings, seed, 4096, theta, 1e-6, null, null);
        }

        public Spec withHeadDim(int dim) {
            return new Spec(architecture, hiddenSize, layers, heads, kvHeads, intermediateSize, vocabSize, dim,
                    tieWordEmbeddings, seed, maxPositionEmbeddings, ropeTheta, rmsNormEps, bosTokenId, eosTokenId);
        }

        public Spec withSpecialTokens(Integer bos, Integer eos) {
            return new Spec(architecture, hiddenSize, layers, heads, kvHeads, intermediateSize, vocabSize, headDim,
                    tieWordEmbeddings, seed, maxPositionEmbeddings, ropeTheta, rmsNormEps, bos, eos);
        }

        public Spec withMaxPositionEmbeddings(int positions) {
            return new Spec(architecture, hiddenSize, layers, heads, kvHeads, intermediateSize, vocabSize, headDim,
                    tieWordEmbeddings, seed, positions, ropeTheta, rmsNormEps, bosTokenId, eosTokenId);
        }

        /** The config these sizes describe (checked as any loaded config.json is). */
        public LlamaConfig config() {
            if (heads <= 0) {
                throw new IllegalArgumentException("heads must be positive, was " + heads);
            }
            int dim = headDim > 0 ? headDim : hiddenSize / heads;
            return new LlamaConfig(architecture, hiddenSize, intermediateSize, layers, heads, kvHeads, dim,
                    rmsNormEps, ropeTheta, vocabSize, maxPositionEmbeddings, tieWordEmbeddings, false, "float32",
                    bosTokenId, eosTokenId == null ? List.of() : List.of(eosTokenId), null);
        }
    }

    /**
     * Writes the model to {@code target} (which must not exist or be empty) in float32.
     *
     * @param tokenizerDir tokenizer files to copy in, or null
     * @return {@code target}
     */
    public static Path write(Spec spec, Path target, Path tokenizerDir) {
        LlamaConfig config = spec.config();
        ObjectNode json = config.toJson();
        LlamaConfig.parse(json, "generated config.json"); // the file must read back as this model
        return write(json, config, config.layout(), spec.seed(), target, tokenizerDir);
    }

    /**
     * The same model as a one-label reward model ({@code *ForSequenceClassification}): its decoder and a
     * {@code score.weight} [1, hidden] drawn as nn.Linear weights are, no lm_head.
     *
     * @param padTokenId the config's pad_token_id (which token's positions the score skips), or null
     */
    public static Path writeRewardModel(Spec spec, Path target, Path tokenizerDir, Integer padTokenId) {
        LlamaConfig config = spec.config();
        ObjectNode json = HfSequenceClassification.rewardConfig(config.toJson(), config.modelType(), padTokenId);
        LlamaConfig.parse(json, "generated config.json");
        return write(json, config, HfSequenceClassification.layout(config, 1), spec.seed(), target, tokenizerDir);
    }

    private static Path write(ObjectNode json, LlamaConfig config, ParameterLayout layout, long seed, Path target,
            Path tokenizerDir) {
        Random rng = new Random(seed);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            String name = layout.names().get(i);
            long[] shape = layout.shapes().get(i).getShape();
            // Drawn when the writer asks, which it does once per tensor in order, a piece at a time: one piece in
            // memory at a time, and the draws in the same order whatever the pieces' size.
            tensors.add(new SafetensorsWriter.Tensor(name, shape, use -> {
                long count = new Shape(shape).size();
                long per = Math.min(TensorBytes.pieceElements(shape), DRAWS_PER_PIECE);
                for (long first = 0; first < count; first += per) {
                    float[] values = initialValues(name, (int) Math.min(per, count - first), rng);
                    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(values);
                    use.accept(bytes);
                }
            }));
        }
        return HfModelWriter.writeDirectory(target, json, config, tensors,
                new HfModelWriter.Options(SafetensorsDType.F32, HfModelWriter.DEFAULT_SHARD_BYTES, tokenizerDir));
    }

    /** Norm weights 1, biases 0, matrices normal(0, 0.02): transformers' _init_weights for these modules. */
    private static float[] initialValues(String name, int count, Random rng) {
        float[] values = new float[count];
        if (name.endsWith("norm.weight")) {
            Arrays.fill(values, 1f);
        } else if (!name.endsWith(".bias")) {
            for (int j = 0; j < values.length; j++) {
                values[j] = (float) (rng.nextGaussian() * INITIALIZER_RANGE);
            }
        }
        return values;
    }
}
