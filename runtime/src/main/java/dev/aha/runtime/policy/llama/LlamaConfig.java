package dev.aha.runtime.policy.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.policy.KvShape;
import dev.aha.runtime.policy.ParameterLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The sizes and switches of a Llama-family decoder, read from a Hugging Face {@code config.json} with transformers'
 * semantics: a key that is absent takes the default of transformers' config class for that {@code model_type}
 * ({@code LlamaConfig}, {@code Qwen2Config}, {@code Qwen3Config}), and anything those models can be configured to do
 * that Aha does not implement is refused by name — never approximated. Keys transformers' modeling code does not
 * read for these model types are ignored, as transformers ignores them. RoPE is plain or scaled by the linear, llama3
 * or yarn rule of {@code rope_scaling} / {@code rope_parameters} ({@link RopeScalingParser}, {@link RopeFrequencies}).
 *
 * <p>Differences between the three, from transformers' modeling_llama.py, modeling_qwen2.py and modeling_qwen3.py:
 * <ul>
 *   <li>llama: q/k/v/o projections biased iff {@code attention_bias}; MLP biased iff {@code mlp_bias} (refused);
 *       {@code head_dim} defaults to hidden/heads, {@code num_key_value_heads} to the heads.
 *   <li>qwen2: q/k/v always biased, o never ({@code attention_bias} is not read); {@code head_dim} as llama;
 *       {@code num_key_value_heads} defaults to 32 (Qwen2Config's default).
 *   <li>qwen3: q/k/v/o biased iff {@code attention_bias}; RMSNorm over each head of q and k (q_norm, k_norm) before
 *       RoPE; {@code head_dim} defaults to 128 and may differ from hidden/heads; {@code num_key_value_heads} to 32.
 * </ul>
 *
 * @param modelType {@code llama}, {@code qwen2} or {@code qwen3}
 * @param headDim width of one attention head (q/k/v projections are heads * headDim wide)
 * @param attentionBias the config's {@code attention_bias} (see {@link #qkvBias()} and {@link #oBias()})
 * @param torchDtype the stored weights' dtype as the config names it (informational), or null
 * @param bosTokenId null when the config does not say
 * @param eosTokenIds empty when the config does not say
 * @param ropeScaling {@code rope_scaling} / {@code rope_parameters} (linear, llama3, yarn), or null for plain RoPE
 */
public record LlamaConfig(
        String modelType,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        int vocabSize,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        String torchDtype,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        RopeScaling ropeScaling) {

    public static final String LLAMA = "llama";
    public static final String QWEN2 = "qwen2";
    public static final String QWEN3 = "qwen3";
    public static final Set<String> MODEL_TYPES = Set.of(LLAMA, QWEN2, QWEN3);

    private static final String IMPLEMENTED = "Aha implements llama, qwen2, qwen3";
    private static final ObjectMapper JSON = new ObjectMapper();

    public LlamaConfig {
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("model_type '" + modelType + "' is not implemented (" + IMPLEMENTED + ")");
        }
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("num_key_value_heads", numKeyValueHeads);
        requirePositive("head_dim", headDim);
        requirePositive("vocab_size", vocabSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim (" + headDim + ") must be even: RoPE rotates pairs of halves");
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw new IllegalArgumentException("rms_norm_eps (" + rmsNormEps + ") and rope_theta (" + ropeTheta
                    + ") must be positive");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Reads and checks {@code config.json}; messages start with its path. */
    public static LlamaConfig read(Path configJson) {
        JsonNode json;
        try {
            json = JSON.readTree(Files.readString(configJson));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + configJson, e);
        }
        return parse(json, configJson.toString());
    }

    /**
     * Checks a parsed {@code config.json}.
     *
     * @param source names the file in messages, e.g. its path
     */
    public static LlamaConfig parse(JsonNode json, String source) {
        try {
            return new Parser(json).parse();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** q, k and v projections carry a bias: always in Qwen2, else iff {@code attention_bias}. */
    public boolean qkvBias() {
        return modelType.equals(QWEN2) || attentionBias;
    }

    /** o_proj carries a bias: never in Qwen2, else iff {@code attention_bias}. */
    public boolean oBias() {
        return !modelType.equals(QWEN2) && attentionBias;
    }

    /** Qwen3's per-head RMSNorm of queries and keys (q_norm, k_norm), applied before RoPE. */
    public boolean qkNorm() {
        return modelType.equals(QWEN3);
    }

    /** Query heads sharing one key/value head (GQA). */
    public int groups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** transformers' class for this model type, the value of {@code architectures} in config.json. */
    public String causalLmClass() {
        return switch (modelType) {
            case LLAMA -> "LlamaForCausalLM";
            case QWEN2 -> "Qwen2ForCausalLM";
            default -> "Qwen3ForCausalLM";
        };
    }

    /**
     * The weights in the order of transformers' {@code state_dict()} (module registration order), with its names and
     * shapes: nn.Linear weights are [out, in]. Tied embeddings have no {@code lm_head.weight}: the head is
     * {@code model.embed_tokens.weight}, as in transformers' checkpoints.
     *
     * <pre>
     *   model.embed_tokens.weight                          [vocab, hidden]
     *   for each layer i:
     *     model.layers.i.self_attn.q_proj.weight (+.bias)  [heads*head_dim, hidden]
     *     model.layers.i.self_attn.k_proj.weight (+.bias)  [kv_heads*head_dim, hidden]
     *     model.layers.i.self_attn.v_proj.weight (+.bias)  [kv_heads*head_dim, hidden]
     *     model.layers.i.self_attn.o_proj.weight (+.bias)  [hidden, heads*head_dim]
     *     model.layers.i.self_attn.q_norm.weight           [head_dim]                 (qwen3)
     *     model.layers.i.self_attn.k_norm.weight           [head_dim]                 (qwen3)
     *     model.layers.i.mlp.gate_proj.weight              [intermediate, hidden]
     *     model.layers.i.mlp.up_proj.weight                [intermediate, hidden]
     *     model.layers.i.mlp.down_proj.weight              [hidden, intermediate]
     *     model.layers.i.input_layernorm.weight            [hidden]
     *     model.layers.i.post_attention_layernorm.weight   [hidden]
     *   model.norm.weight                                  [hidden]
     *   lm_head.weight                                     [vocab, hidden]            (untied only)
     * </pre>
     */
    /** The cache holds kv heads only (grouped-query attention). */
    public KvShape kvShape() {
        return new KvShape(numHiddenLayers(), numKeyValueHeads(), headDim());
    }

    public ParameterLayout layout() {
        long d = hiddenSize;
        long q = (long) numAttentionHeads * headDim;
        long kv = (long) numKeyValueHeads * headDim;
        ParameterLayout.Builder b = ParameterLayout.builder().add(Names.EMBED, vocabSize, d);
        for (int i = 0; i < numHiddenLayers; i++) {
            Names n = new Names(i);
            b.add(n.qWeight, q, d);
            if (qkvBias()) {
                b.add(n.qBias, q);
            }
            b.add(n.kWeight, kv, d);
            if (qkvBias()) {
                b.add(n.kBias, kv);
            }
            b.add(n.vWeight, kv, d);
            if (qkvBias()) {
                b.add(n.vBias, kv);
            }
            b.add(n.oWeight, d, q);
            if (oBias()) {
                b.add(n.oBias, d);
            }
            if (qkNorm()) {
                b.add(n.qNorm, headDim).add(n.kNorm, headDim);
            }
            b.add(n.gate, intermediateSize, d).add(n.up, intermediateSize, d).add(n.down, d, intermediateSize);
            b.add(n.inputNorm, d).add(n.postAttentionNorm, d);
        }
        b.add(Names.NORM, d);
        if (!tieWordEmbeddings) {
            b.add(Names.LM_HEAD, vocabSize, d);
        }
        return b.build();
    }

    /**
     * A config.json for this model as transformers writes one (used for new random models): every size explicit,
     * so no reader depends on a class default.
     */
    public ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.putArray("architectures").add(causalLmClass());
        json.put("model_type", modelType);
        json.put("hidden_size", hiddenSize);
        json.put("intermediate_size", intermediateSize);
        json.put("num_hidden_layers", numHiddenLayers);
        json.put("num_attention_heads", numAttentionHeads);
        json.put("num_key_value_heads", numKeyValueHeads);
        json.put("head_dim", headDim);
        json.put("hidden_act", "silu");
        json.put("max_position_embeddings", maxPositionEmbeddings);
        json.put("rms_norm_eps", rmsNormEps);
        json.put("rope_theta", ropeTheta);
        if (ropeScaling == null) {
            json.putNull("rope_scaling");
        } else {
            json.set("rope_scaling", ropeScaling.toJson());
        }
        if (!modelType.equals(QWEN2)) {
            json.put("attention_bias", attentionBias);
        }
        json.put("attention_dropout", 0.0);
        if (modelType.equals(LLAMA)) {
            json.put("mlp_bias", false);
        } else {
            json.put("use_sliding_window", false);
            json.put("max_window_layers", numHiddenLayers);
        }
        json.put("tie_word_embeddings", tieWordEmbeddings);
        json.put("vocab_size", vocabSize);
        json.put("initializer_range", 0.02);
        json.put("use_cache", true);
        if (torchDtype != null) {
            json.put("torch_dtype", torchDtype);
        }
        if (bosTokenId != null) {
            json.put("bos_token_id", bosTokenId);
        }
        if (eosTokenIds.size() == 1) {
            json.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            ArrayNode eos = json.putArray("eos_token_id");
            eosTokenIds.forEach(eos::add);
        }
        return json;
    }

    /** transformers' state-dict names of one decoder layer, and the model-level names. */
    public static final class Names {
        public static final String EMBED = "model.embed_tokens.weight";
        public static final String NORM = "model.norm.weight";
        public static final String LM_HEAD = "lm_head.weight";

        public final String qWeight;
        public final String qBias;
        public final String kWeight;
        public final String kBias;
        public final String vWeight;
        public final String vBias;
        public final String oWeight;
        public final String oBias;
        public final String qNorm;
        public final String kNorm;
        public final String gate;
        public final String up;
        public final String down;
        public final String inputNorm;
        public final String postAttentionNorm;

        public Names(int layer) {
            String p = "model.layers." + layer + ".";
            qWeight = p + "self_attn.q_proj.weight";
            qBias = p + "self_attn.q_proj.bias";
            kWeight = p + "self_attn.k_proj.weight";
            kBias = p + "self_attn.k_proj.bias";
            vWeight = p + "self_attn.v_proj.weight";
            vBias = p + "self_attn.v_proj.bias";
            oWeight = p + "self_attn.o_proj.weight";
            oBias = p + "self_attn.o_proj.bias";
            qNorm = p + "self_attn.q_norm.weight";
            kNorm = p + "self_attn.k_norm.weight";
            gate = p + "mlp.gate_proj.weight";
            up = p + "mlp.up_proj.weight";
            down = p + "mlp.down_proj.weight";
            inputNorm = p + "input_layernorm.weight";
            postAttentionNorm = p + "post_attention_layernorm.weight";
        }
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, was " + value);
        }
    }

    /** Reads one config.json, refusing what is not implemented; messages name the key. */
    private static final class Parser {
        private final JsonNode json;

        Parser(JsonNode json) {
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            this.json = json;
        }

        LlamaConfig parse() {
            String modelType = text("model_type");
            if (modelType == null) {
                throw new IllegalArgumentException("model_type is missing (" + IMPLEMENTED + ")");
            }
            if (!MODEL_TYPES.contains(modelType)) {
                throw new IllegalArgumentException(
                        "model_type '" + modelType + "' is not implemented (" + IMPLEMENTED + ")");
            }
            refuseUnimplemented(modelType);

            int hidden = requiredInt("hidden_size");
            int heads = requiredInt("num_attention_heads");
            boolean llama = modelType.equals(LLAMA);
            // Class defaults: LlamaConfig sets kv heads to the heads; Qwen2Config and Qwen3Config default to 32.
            int kvHeads = optionalInt("num_key_value_heads", llama ? heads : 32);
            // LlamaConfig and Qwen2 (getattr fallback) use hidden // heads; Qwen3Config defaults head_dim to 128.
            int headDim = optionalInt("head_dim", modelType.equals(QWEN3) ? 128 : hidden / heads);
            int maxPositions = optionalInt("max_position_embeddings", llama ? 2048 : 32768);
            return new LlamaConfig(
                    modelType,
                    hidden,
                    requiredInt("intermediate_size"),
                    requiredInt("num_hidden_layers"),
                    heads,
                    kvHeads,
                    headDim,
                    optionalDouble("rms_norm_eps", 1e-6),
                    ropeTheta(),
                    requiredInt("vocab_size"),
                    maxPositions,
                    optionalBoolean("tie_word_embeddings", false),
                    // Qwen2's attention never reads attention_bias (q/k/v biased, o not): ignore it there.
                    !modelType.equals(QWEN2) && optionalBoolean("attention_bias", false),
                    torchDtype(),
                    json.hasNonNull("bos_token_id") ? optionalInt("bos_token_id", 0) : null,
                    eosTokenIds(),
                    RopeScalingParser.parse(json, maxPositions));
        }

        private void refuseUnimplemented(String modelType) {
            if (json.hasNonNull("quantization_config")) {
                throw new IllegalArgumentException("quantization_config is not implemented (Aha loads float weights)");
            }
            String act = text("hidden_act");
            if (act != null && !act.equals("silu")) {
                throw new IllegalArgumentException("hidden_act '" + act + "' is not implemented (the Llama family's MLP"
                        + " is down(silu(gate(x)) * up(x)))");
            }
            refusePartialRotary(json.get("partial_rotary_factor"), "partial_rotary_factor");
            if (!modelType.equals(LLAMA) && optionalBoolean("use_sliding_window", false)) {
                throw new IllegalArgumentException("use_sliding_window: true is not implemented (sliding-window "
                        + "attention; " + IMPLEMENTED + " and full causal attention)");
            }
            JsonNode layerTypes = json.get("layer_types");
            if (layerTypes != null && !layerTypes.isNull()) {
                if (!layerTypes.isArray()) {
                    throw new IllegalArgumentException("layer_types is not a list");
                }
                for (JsonNode t : layerTypes) {
                    if (!"full_attention".equals(t.asText())) {
                        throw new IllegalArgumentException("layer_types entry '" + t.asText()
                                + "' is not implemented (Aha implements full_attention only)");
                    }
                }
            }
            if (modelType.equals(LLAMA) && optionalBoolean("mlp_bias", false)) {
                throw new IllegalArgumentException("mlp_bias: true is not implemented (biased gate/up/down projections)");
            }
            if (optionalDouble("attention_dropout", 0.0) != 0.0) {
                throw new IllegalArgumentException("attention_dropout " + json.get("attention_dropout")
                        + " is not implemented (Aha trains without dropout)");
            }
        }

        private void refusePartialRotary(JsonNode factor, String key) {
            if (factor != null && !factor.isNull() && factor.asDouble() != 1.0) {
                throw new IllegalArgumentException(key + " " + factor + " is not implemented (RoPE over the whole"
                        + " head only)");
            }
        }

        /** rope_theta, or rope_parameters.rope_theta (transformers 5); 10000 when neither is given. */
        private double ropeTheta() {
            JsonNode top = json.get("rope_theta");
            JsonNode params = json.get("rope_parameters");
            JsonNode nested = params != null && params.isObject() ? params.get("rope_theta") : null;
            if (top != null && !top.isNull() && nested != null && !nested.isNull()
                    && top.asDouble() != nested.asDouble()) {
                throw new IllegalArgumentException("rope_theta " + top + " contradicts rope_parameters.rope_theta "
                        + nested);
            }
            JsonNode theta = top != null && !top.isNull() ? top : nested;
            if (theta == null || theta.isNull()) {
                return 10000.0;
            }
            if (!theta.isNumber()) {
                throw new IllegalArgumentException("rope_theta is not a number: " + theta);
            }
            return theta.asDouble();
        }

        private String torchDtype() {
            String dtype = text("torch_dtype");
            return dtype != null ? dtype : text("dtype"); // transformers 5 writes "dtype"
        }

        private List<Integer> eosTokenIds() {
            JsonNode eos = json.get("eos_token_id");
            List<Integer> ids = new ArrayList<>();
            if (eos == null || eos.isNull()) {
                return ids;
            }
            if (eos.isArray()) {
                for (JsonNode id : eos) {
                    ids.add(asInt("eos_token_id", id));
                }
            } else {
                ids.add(asInt("eos_token_id", eos));
            }
            return ids;
        }

        private String text(String key) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(key + " is not a string: " + v);
            }
            return v.asText();
        }

        private int requiredInt(String key) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException(key + " is missing");
            }
            return asInt(key, v);
        }

        private int optionalInt(String key, int fallback) {
            JsonNode v = json.get(key);
            return v == null || v.isNull() ? fallback : asInt(key, v);
        }

        private double optionalDouble(String key, double fallback) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isNumber()) {
                throw new IllegalArgumentException(key + " is not a number: " + v);
            }
            return v.asDouble();
        }

        private boolean optionalBoolean(String key, boolean fallback) {
            JsonNode v = json.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(key + " is not true or false: " + v);
            }
            return v.asBoolean();
        }

        private static int asInt(String key, JsonNode v) {
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new IllegalArgumentException(key + " is not an integer: " + v);
            }
            return v.asInt();
        }
    }
}
