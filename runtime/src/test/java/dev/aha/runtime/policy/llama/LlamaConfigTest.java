package dev.aha.runtime.policy.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode base(String modelType) {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", modelType);
        c.put("hidden_size", 64);
        c.put("intermediate_size", 96);
        c.put("num_hidden_layers", 2);
        c.put("num_attention_heads", 4);
        c.put("num_key_value_heads", 2);
        c.put("vocab_size", 300);
        return c;
    }

    /** A refusal of {@code block} (JSON) under {@code key} with {@code field} set to {@code value} (null: removed). */
    private static String refusalWith(String key, String block, String field, Object value) {
        ObjectNode c = base("llama");
        try {
            ObjectNode rope = (ObjectNode) JSON.readTree(block);
            if (value == null) {
                rope.remove(field);
            } else {
                rope.set(field, JSON.valueToTree(value));
            }
            c.set(key, rope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return refusal(c);
    }

    private static String refusal(ObjectNode json) {
        return assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse(json, "config.json"))
                .getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "message should name " + p + ": " + message);
        }
    }

    @Test
    void shouldReadTheFixtureConfigs() {
        LlamaConfig llama = LlamaConfig.read(LlamaFixtures.model("llama").resolve("config.json"));
        assertEquals(16, llama.headDim());
        assertTrue(llama.qkvBias() && llama.oBias() && !llama.qkNorm() && !llama.tieWordEmbeddings());
        assertEquals(2, llama.groups());
        LlamaConfig qwen2 = LlamaConfig.read(LlamaFixtures.model("qwen2").resolve("config.json"));
        assertTrue(qwen2.qkvBias() && !qwen2.oBias() && qwen2.tieWordEmbeddings());
        LlamaConfig qwen3 = LlamaConfig.read(LlamaFixtures.model("qwen3").resolve("config.json"));
        assertEquals(24, qwen3.headDim());
        assertTrue(qwen3.qkNorm() && !qwen3.qkvBias());
        assertEquals(1_000_000.0, qwen3.ropeTheta());
        assertEquals("float16", qwen3.torchDtype());
        assertEquals(1, qwen3.bosTokenId());
        assertEquals(List.of(2), qwen3.eosTokenIds());
    }

    /** The keys of Qwen/Qwen3-0.6B's config.json (transformers 4.51): 0.6B parameters, 0.44B of them not embedding. */
    @Test
    void shouldReadAQwen3ConfigAsPublished() throws Exception {
        String published = """
                {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
                 "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu",
                 "hidden_size": 1024, "initializer_range": 0.02, "intermediate_size": 3072,
                 "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
                 "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06,
                 "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null, "tie_word_embeddings": true,
                 "torch_dtype": "bfloat16", "transformers_version": "4.51.0", "use_cache": true,
                 "use_sliding_window": false, "vocab_size": 151936}""";
        LlamaConfig c = LlamaConfig.parse(JSON.readTree(published), "config.json");
        assertEquals(128, c.headDim()); // != 1024 / 16
        assertEquals(596_049_920L, c.layout().totalElements());
        assertEquals(440_467_456L, c.layout().totalElements() - 151_936L * 1024);
        assertFalse(c.layout().names().contains("lm_head.weight"));
    }

    @Test
    void shouldApplyTransformersClassDefaultsForAbsentKeys() {
        ObjectNode llama = base("llama");
        llama.remove("num_key_value_heads");
        LlamaConfig c = LlamaConfig.parse(llama, "config.json");
        assertEquals(4, c.numKeyValueHeads()); // LlamaConfig: kv heads default to the heads
        assertEquals(16, c.headDim()); // hidden // heads
        assertEquals(10000.0, c.ropeTheta());
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(2048, c.maxPositionEmbeddings());
        assertFalse(c.tieWordEmbeddings());

        ObjectNode qwen3 = base("qwen3");
        assertEquals(128, LlamaConfig.parse(qwen3, "config.json").headDim()); // Qwen3Config: head_dim = 128
        assertEquals(32768, LlamaConfig.parse(qwen3, "config.json").maxPositionEmbeddings());
        qwen3.remove("num_key_value_heads");
        qwen3.put("num_attention_heads", 32);
        assertEquals(32, LlamaConfig.parse(qwen3, "config.json").numKeyValueHeads()); // Qwen3Config: 32

        ObjectNode qwen2 = base("qwen2");
        qwen2.put("attention_bias", false); // Qwen2Attention never reads it: q/k/v stay biased
        LlamaConfig q2 = LlamaConfig.parse(qwen2, "config.json");
        assertTrue(q2.qkvBias() && !q2.oBias());
        assertEquals(16, q2.headDim());
    }

    @Test
    void shouldReadTransformers5RopeParameters() {
        ObjectNode c = base("qwen3");
        c.putObject("rope_parameters").put("rope_type", "default").put("rope_theta", 5e6);
        assertEquals(5e6, LlamaConfig.parse(c, "config.json").ropeTheta());
        c.put("rope_theta", 1e6);
        assertMentions(refusal(c), "rope_theta", "contradicts");
    }

    @Test
    void shouldRefuseOtherModelTypes() {
        assertMentions(refusal(base("mistral")), "config.json", "model_type 'mistral' is not implemented",
                "llama, qwen2, qwen3");
        ObjectNode none = base("llama");
        none.remove("model_type");
        assertMentions(refusal(none), "model_type is missing");
    }

    @Test
    void shouldReadTheRopeScalingOfLlama31AndQwen25() throws Exception {
        ObjectNode llama31 = base("llama");
        llama31.put("max_position_embeddings", 131072);
        llama31.set("rope_scaling", JSON.readTree("""
                {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                 "original_max_position_embeddings": 8192, "rope_type": "llama3"}"""));
        assertEquals(new RopeScaling.Llama3(8.0, 1.0, 4.0, 8192), LlamaConfig.parse(llama31, "c").ropeScaling());

        ObjectNode qwen25 = base("qwen2"); // transformers 4's older spelling: "type"
        qwen25.set("rope_scaling", JSON.readTree("""
                {"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}"""));
        double mscale = 0.1 * Math.log(4.0) + 1.0;
        assertEquals(new RopeScaling.Yarn(4.0, 32768, 32, 1, mscale, true), LlamaConfig.parse(qwen25, "c")
                .ropeScaling());

        ObjectNode linear = base("llama");
        linear.putObject("rope_scaling").put("type", "linear").put("factor", 2);
        assertEquals(new RopeScaling.Linear(2.0), LlamaConfig.parse(linear, "c").ropeScaling());
        assertNull(LlamaConfig.parse(base("llama"), "c").ropeScaling());
    }

    @Test
    void shouldApplyTransformersYarnDefaults() {
        ObjectNode v5 = base("qwen3"); // transformers 5: rope_parameters, rope_theta inside
        v5.put("max_position_embeddings", 40960);
        v5.putObject("rope_parameters").put("rope_type", "yarn").put("rope_theta", 1e6).put("factor", 2.0)
                .put("beta_fast", 0).put("mscale", 0.707).put("truncate", false);
        LlamaConfig c = LlamaConfig.parse(v5, "c");
        assertEquals(1e6, c.ropeTheta());
        // no original context: max_position_embeddings; beta 0 reads as the default ("or 32"); mscale without
        // mscale_all_dim leaves the attention factor at get_mscale(factor)
        assertEquals(new RopeScaling.Yarn(2.0, 40960, 32, 1, 0.1 * Math.log(2.0) + 1, false), c.ropeScaling());

        ObjectNode deepseekStyle = base("qwen2");
        deepseekStyle.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 40.0).put("mscale", 1.0)
                .put("mscale_all_dim", 0.707).put("original_max_position_embeddings", 4096);
        double expected = (0.1 * Math.log(40) + 1) / (0.1 * 0.707 * Math.log(40) + 1);
        assertEquals(expected, ((RopeScaling.Yarn) LlamaConfig.parse(deepseekStyle, "c").ropeScaling())
                .attentionFactor(), 1e-15);

        ObjectNode explicit = base("qwen2");
        explicit.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0).put("attention_factor", 1.5)
                .put("mscale", 1.0).put("mscale_all_dim", 0.707);
        assertEquals(1.5, ((RopeScaling.Yarn) LlamaConfig.parse(explicit, "c").ropeScaling()).attentionFactor());
    }

    @Test
    void shouldRefuseOtherRopeTypesByNameWithTheSupportedOnes() {
        for (String type : List.of("dynamic", "longrope", "proportional")) {
            ObjectNode c = base("qwen3");
            c.putObject("rope_scaling").put("rope_type", type).put("factor", 4.0);
            assertEquals("config.json: rope_scaling rope_type '" + type + "' is not implemented (Aha implements"
                    + " rope_type default, linear, llama3 and yarn)", refusal(c));
        }
        ObjectNode v5 = base("llama");
        v5.putObject("rope_parameters").put("rope_type", "longrope").put("rope_theta", 5e5);
        assertMentions(refusal(v5), "rope_parameters rope_type 'longrope' is not implemented");
        ObjectNode extra = base("llama");
        extra.putObject("rope_parameters").put("rope_type", "default").put("factor", 8.0);
        assertMentions(refusal(extra), "rope_parameters.factor is not implemented");
        ObjectNode unread = base("llama");
        unread.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0).put("extrapolation_factor", 1);
        assertMentions(refusal(unread), "rope_scaling.extrapolation_factor is not implemented (rope_type 'yarn'"
                + " reads attention_factor, beta_fast");
        ObjectNode untyped = base("llama");
        untyped.putObject("rope_scaling").put("factor", 4.0);
        assertMentions(refusal(untyped), "rope_scaling names no rope_type");
    }

    @Test
    void shouldRefuseBadRopeScalingValuesInOneLine() {
        String llama3 = "{\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, "
                + "\"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}";
        assertMentions(refusalWith("rope_scaling", llama3, "factor", 0),
                "rope_scaling.factor must be positive, was 0.0");
        assertMentions(refusalWith("rope_scaling", llama3, "factor", -2), "rope_scaling.factor must be positive");
        assertMentions(refusalWith("rope_scaling", llama3, "low_freq_factor", 4.0),
                "rope_scaling: low_freq_factor (4.0) must be positive and below high_freq_factor (4.0)");
        assertMentions(refusalWith("rope_scaling", llama3, "low_freq_factor", null),
                "rope_scaling.low_freq_factor is missing (rope_type 'llama3' requires it)");
        assertMentions(refusalWith("rope_scaling", llama3, "original_max_position_embeddings", null),
                "rope_scaling.original_max_position_embeddings is missing");
        assertMentions(refusalWith("rope_scaling", llama3, "original_max_position_embeddings", 0.5),
                "original_max_position_embeddings must be a positive integer, was 0.5");
        assertMentions(refusalWith("rope_scaling", llama3, "factor", "8"), "rope_scaling.factor is not a number");

        String yarn = "{\"rope_type\": \"yarn\", \"factor\": 4.0}";
        assertMentions(refusalWith("rope_parameters", yarn, "factor", null),
                "rope_parameters.factor is missing (rope_type 'yarn' requires it)");
        assertMentions(refusalWith("rope_parameters", yarn, "attention_factor", 0),
                "attention_factor must be positive");
        assertMentions(refusalWith("rope_parameters", yarn, "beta_slow", -1), "beta_slow must not be negative");
        assertMentions(refusalWith("rope_parameters", yarn, "truncate", "no"), "truncate is not true or false");
        for (String message : List.of(refusalWith("rope_parameters", yarn, "truncate", "no"),
                refusalWith("rope_scaling", llama3, "factor", 0))) {
            assertFalse(message.contains("\n"), message);
        }
    }

    @Test
    void shouldRefuseRopeSettingsTheTwoTransformersVersionsReadDifferently() throws Exception {
        ObjectNode top = base("qwen2"); // transformers 5 reads a top-level original context, 4 does not
        top.put("original_max_position_embeddings", 4096);
        top.set("rope_scaling", JSON.readTree("{\"rope_type\": \"yarn\", \"factor\": 4.0}"));
        assertMentions(refusal(top), "original_max_position_embeddings 4096 at the top of config.json");
        ((ObjectNode) top.get("rope_scaling")).put("original_max_position_embeddings", 4096);
        assertEquals(4096, ((RopeScaling.Yarn) LlamaConfig.parse(top, "c").ropeScaling())
                .originalMaxPositionEmbeddings()); // the same number in both places reads alike in both

        ObjectNode both = base("llama");
        both.putObject("rope_scaling").put("rope_type", "linear").put("factor", 2.0);
        both.putObject("rope_parameters").put("rope_type", "linear").put("factor", 4.0);
        assertMentions(refusal(both), "describe different RoPE");
        ((ObjectNode) both.get("rope_parameters")).put("factor", 2.0).put("rope_theta", 10000.0);
        assertEquals(new RopeScaling.Linear(2.0), LlamaConfig.parse(both, "c").ropeScaling());
    }

    @Test
    void shouldRefuseSlidingWindowAttention() {
        for (String type : List.of("qwen2", "qwen3")) {
            ObjectNode c = base(type);
            c.put("use_sliding_window", true);
            assertMentions(refusal(c), "use_sliding_window: true is not implemented");
        }
        ObjectNode layers = base("qwen3");
        layers.putArray("layer_types").add("full_attention").add("sliding_attention");
        assertMentions(refusal(layers), "layer_types entry 'sliding_attention' is not implemented");
        ObjectNode off = base("qwen2");
        off.put("use_sliding_window", false);
        off.put("sliding_window", 4096); // inert while use_sliding_window is false, as in transformers
        LlamaConfig.parse(off, "config.json");
    }

    @Test
    void shouldRefuseEachUnimplementedSwitchByName() {
        ObjectNode mlpBias = base("llama");
        mlpBias.put("mlp_bias", true);
        assertMentions(refusal(mlpBias), "mlp_bias: true is not implemented");

        ObjectNode gelu = base("qwen2");
        gelu.put("hidden_act", "gelu");
        assertMentions(refusal(gelu), "hidden_act 'gelu' is not implemented");

        ObjectNode partial = base("llama");
        partial.put("partial_rotary_factor", 0.5);
        assertMentions(refusal(partial), "partial_rotary_factor 0.5 is not implemented");

        ObjectNode nestedPartial = base("llama");
        nestedPartial.putObject("rope_parameters").put("rope_type", "default").put("partial_rotary_factor", 0.25);
        assertMentions(refusal(nestedPartial), "rope_parameters.partial_rotary_factor 0.25 is not implemented");

        ObjectNode quantized = base("qwen3");
        quantized.putObject("quantization_config").put("quant_method", "awq");
        assertMentions(refusal(quantized), "quantization_config is not implemented");

        ObjectNode dropout = base("qwen3");
        dropout.put("attention_dropout", 0.1);
        assertMentions(refusal(dropout), "attention_dropout 0.1 is not implemented");
    }

    @Test
    void shouldRefuseMissingOrInconsistentSizes() {
        ObjectNode noHidden = base("llama");
        noHidden.remove("hidden_size");
        assertEquals("config.json: hidden_size is missing", refusal(noHidden));

        ObjectNode badGroups = base("llama");
        badGroups.put("num_key_value_heads", 3);
        assertMentions(refusal(badGroups), "num_attention_heads (4) must be a multiple of num_key_value_heads (3)");

        ObjectNode oddHead = base("qwen3");
        oddHead.put("head_dim", 15);
        assertMentions(refusal(oddHead), "head_dim (15) must be even");

        ObjectNode notInt = base("qwen3");
        notInt.put("vocab_size", "300");
        assertMentions(refusal(notInt), "vocab_size is not an integer");
    }

    @Test
    void shouldWriteAConfigThatReadsBackAsItself() {
        for (String model : List.of("qwen3", "llama", "llama3", "qwen2-yarn")) {
            LlamaConfig c = LlamaConfig.read(LlamaFixtures.model(model).resolve("config.json"));
            assertEquals(c, LlamaConfig.parse(c.toJson(), "generated"), model);
        }
        assertEquals("yarn", LlamaConfig.read(LlamaFixtures.model("qwen2-yarn").resolve("config.json")).toJson()
                .get("rope_scaling").get("rope_type").asText());
    }
}
