package dev.aha.runtime.policy.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    void shouldRefuseRopeScalingByType() {
        for (String type : List.of("yarn", "linear", "dynamic", "llama3", "longrope")) {
            ObjectNode c = base("qwen3");
            c.putObject("rope_scaling").put("rope_type", type).put("factor", 4.0);
            assertEquals("config.json: rope_scaling type '" + type + "' is not implemented (Aha implements llama,"
                    + " qwen2, qwen3 with plain RoPE)", refusal(c));
        }
        ObjectNode legacy = base("llama");
        legacy.putObject("rope_scaling").put("type", "linear").put("factor", 2.0);
        assertMentions(refusal(legacy), "rope_scaling type 'linear'");
        ObjectNode v5 = base("llama");
        v5.putObject("rope_parameters").put("rope_type", "llama3").put("rope_theta", 5e5);
        assertMentions(refusal(v5), "rope_parameters rope_type 'llama3' is not implemented");
        ObjectNode extra = base("llama");
        extra.putObject("rope_parameters").put("rope_type", "default").put("factor", 8.0);
        assertMentions(refusal(extra), "rope_parameters.factor is not implemented");
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
        LlamaConfig c = LlamaConfig.read(LlamaFixtures.model("qwen3").resolve("config.json"));
        assertEquals(c, LlamaConfig.parse(c.toJson(), "generated"));
        LlamaConfig l = LlamaConfig.read(LlamaFixtures.model("llama").resolve("config.json"));
        assertEquals(l, LlamaConfig.parse(l.toJson(), "generated"));
    }
}
