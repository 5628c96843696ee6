package dev.aha.runtime.policy.hf;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.llama.LlamaConfig;

/**
 * What makes a Llama-family config.json a reward model's: transformers' {@code LlamaForSequenceClassification},
 * {@code Qwen2ForSequenceClassification} and {@code Qwen3ForSequenceClassification} are the causal model's decoder
 * ({@code model.*}, no {@code lm_head}) and a linear {@code score} head [num_labels, hidden] without bias, read at
 * each sequence's last token that is not {@code pad_token_id}.
 */
public final class HfSequenceClassification {

    public static final String SCORE = "score.weight";
    private static final String SUFFIX = "ForSequenceClassification";

    private HfSequenceClassification() {}

    /** transformers' class for a reward model of this model type. */
    public static String className(String modelType) {
        return switch (modelType) {
            case LlamaConfig.LLAMA -> "LlamaForSequenceClassification";
            case LlamaConfig.QWEN2 -> "Qwen2ForSequenceClassification";
            default -> "Qwen3ForSequenceClassification";
        };
    }

    /** Whether config.json's {@code architectures} names a sequence classifier (a reward model). */
    public static boolean isSequenceClassifier(JsonNode configJson) {
        JsonNode architectures = configJson.get("architectures");
        if (architectures == null || !architectures.isArray() || architectures.isEmpty()) {
            return false;
        }
        return architectures.get(0).asText().endsWith(SUFFIX);
    }

    /**
     * num_labels as transformers' PretrainedConfig derives it: the {@code num_labels} key if given, else the size of
     * {@code id2label}, else its default of 2.
     */
    public static int numLabels(JsonNode configJson) {
        JsonNode n = configJson.get("num_labels");
        if (n != null && n.canConvertToInt()) {
            return n.asInt();
        }
        JsonNode labels = configJson.get("id2label");
        return labels != null && labels.isObject() ? labels.size() : 2;
    }

    /** config.json's pad_token_id, or null. */
    public static Integer padTokenId(JsonNode configJson) {
        JsonNode pad = configJson.get("pad_token_id");
        return pad == null || !pad.canConvertToInt() ? null : pad.asInt();
    }

    /**
     * The decoder without an output head: the same config with tied embeddings, whose layout has no
     * {@code lm_head.weight} (a sequence classifier stores none, whatever tie_word_embeddings says).
     */
    public static LlamaConfig trunk(LlamaConfig c) {
        return new LlamaConfig(c.modelType(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.rmsNormEps(), c.ropeTheta(),
                c.vocabSize(), c.maxPositionEmbeddings(), true, c.attentionBias(), c.torchDtype(), c.bosTokenId(),
                c.eosTokenIds(), c.ropeScaling());
    }

    /** The trunk's tensors then score.weight: what a sequence classifier's safetensors hold. */
    public static ParameterLayout layout(LlamaConfig config, int numLabels) {
        ParameterLayout trunk = trunk(config).layout();
        ParameterLayout.Builder b = ParameterLayout.builder();
        for (int i = 0; i < trunk.size(); i++) {
            b.add(trunk.names().get(i), trunk.shapes().get(i).getShape());
        }
        return b.add(SCORE, numLabels, config.hiddenSize()).build();
    }

    /** A score head's shape. */
    public static Shape scoreShape(int numLabels, int hidden) {
        return new Shape(numLabels, hidden);
    }

    /**
     * {@code configJson} (a causal model's or a classifier's) as a one-label reward model's, as transformers'
     * {@code from_pretrained(..., num_labels=1)} and TRL save it: architectures, id2label/label2id of one label, and
     * pad_token_id (kept when the config has one, else {@code padTokenId}).
     */
    public static ObjectNode rewardConfig(ObjectNode configJson, String modelType, Integer padTokenId) {
        ObjectNode out = configJson.deepCopy();
        out.putArray("architectures").add(className(modelType));
        out.remove("num_labels");
        out.putObject("id2label").put("0", "LABEL_0");
        out.putObject("label2id").put("LABEL_0", 0);
        if (padTokenId(out) == null && padTokenId != null) {
            out.put("pad_token_id", padTokenId);
        }
        return out;
    }
}
