package dev.aha.runtime.policy.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.llama.LlamaFixtures;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export to a Hugging Face directory and back: bit-exact, under exactly the names and shapes transformers uses. */
class HfExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The state dict of LlamaForCausalLM (transformers, src/transformers/models/llama/modeling_llama.py:
     * LlamaModel.embed_tokens / layers[i].self_attn.{q,k,v,o}_proj (bias = attention_bias, here false) /
     * layers[i].mlp.{gate,up,down}_proj / layers[i].{input,post_attention}_layernorm / norm; untied lm_head) for
     * hidden 32, 4 heads of 8, 2 kv heads, intermediate 48, vocab 50, 2 layers. nn.Linear weights are [out, in].
     */
    private static final List<String> LLAMA = List.of(
            "lm_head.weight [50, 32]",
            "model.embed_tokens.weight [50, 32]",
            "model.layers.0.input_layernorm.weight [32]",
            "model.layers.0.mlp.down_proj.weight [32, 48]",
            "model.layers.0.mlp.gate_proj.weight [48, 32]",
            "model.layers.0.mlp.up_proj.weight [48, 32]",
            "model.layers.0.post_attention_layernorm.weight [32]",
            "model.layers.0.self_attn.k_proj.weight [16, 32]",
            "model.layers.0.self_attn.o_proj.weight [32, 32]",
            "model.layers.0.self_attn.q_proj.weight [32, 32]",
            "model.layers.0.self_attn.v_proj.weight [16, 32]",
            "model.layers.1.input_layernorm.weight [32]",
            "model.layers.1.mlp.down_proj.weight [32, 48]",
            "model.layers.1.mlp.gate_proj.weight [48, 32]",
            "model.layers.1.mlp.up_proj.weight [48, 32]",
            "model.layers.1.post_attention_layernorm.weight [32]",
            "model.layers.1.self_attn.k_proj.weight [16, 32]",
            "model.layers.1.self_attn.o_proj.weight [32, 32]",
            "model.layers.1.self_attn.q_proj.weight [32, 32]",
            "model.layers.1.self_attn.v_proj.weight [16, 32]",
            "model.norm.weight [32]");

    /**
     * The state dict of Qwen2ForCausalLM (modeling_qwen2.py: Qwen2Attention has q/k/v_proj with bias=True and o_proj
     * with bias=False), tie_word_embeddings true so no lm_head.weight (_tied_weights_keys), same sizes as above.
     */
    private static final List<String> QWEN2 = List.of(
            "model.embed_tokens.weight [50, 32]",
            "model.layers.0.input_layernorm.weight [32]",
            "model.layers.0.mlp.down_proj.weight [32, 48]",
            "model.layers.0.mlp.gate_proj.weight [48, 32]",
            "model.layers.0.mlp.up_proj.weight [48, 32]",
            "model.layers.0.post_attention_layernorm.weight [32]",
            "model.layers.0.self_attn.k_proj.bias [16]",
            "model.layers.0.self_attn.k_proj.weight [16, 32]",
            "model.layers.0.self_attn.o_proj.weight [32, 32]",
            "model.layers.0.self_attn.q_proj.bias [32]",
            "model.layers.0.self_attn.q_proj.weight [32, 32]",
            "model.layers.0.self_attn.v_proj.bias [16]",
            "model.layers.0.self_attn.v_proj.weight [16, 32]",
            "model.layers.1.input_layernorm.weight [32]",
            "model.layers.1.mlp.down_proj.weight [32, 48]",
            "model.layers.1.mlp.gate_proj.weight [48, 32]",
            "model.layers.1.mlp.up_proj.weight [48, 32]",
            "model.layers.1.post_attention_layernorm.weight [32]",
            "model.layers.1.self_attn.k_proj.bias [16]",
            "model.layers.1.self_attn.k_proj.weight [16, 32]",
            "model.layers.1.self_attn.o_proj.weight [32, 32]",
            "model.layers.1.self_attn.q_proj.bias [32]",
            "model.layers.1.self_attn.q_proj.weight [32, 32]",
            "model.layers.1.self_attn.v_proj.bias [16]",
            "model.layers.1.self_attn.v_proj.weight [16, 32]",
            "model.norm.weight [32]");

    /**
     * The state dict of Qwen3ForCausalLM (modeling_qwen3.py: Qwen3Attention with head_dim from the config, here 12,
     * so q_proj is [heads*12, hidden] and o_proj [hidden, heads*12]; q_norm and k_norm are Qwen3RMSNorm(head_dim);
     * attention_bias false), tied, same other sizes.
     */
    private static final List<String> QWEN3 = List.of(
            "model.embed_tokens.weight [50, 32]",
            "model.layers.0.input_layernorm.weight [32]",
            "model.layers.0.mlp.down_proj.weight [32, 48]",
            "model.layers.0.mlp.gate_proj.weight [48, 32]",
            "model.layers.0.mlp.up_proj.weight [48, 32]",
            "model.layers.0.post_attention_layernorm.weight [32]",
            "model.layers.0.self_attn.k_norm.weight [12]",
            "model.layers.0.self_attn.k_proj.weight [24, 32]",
            "model.layers.0.self_attn.o_proj.weight [32, 48]",
            "model.layers.0.self_attn.q_norm.weight [12]",
            "model.layers.0.self_attn.q_proj.weight [48, 32]",
            "model.layers.0.self_attn.v_proj.weight [24, 32]",
            "model.layers.1.input_layernorm.weight [32]",
            "model.layers.1.mlp.down_proj.weight [32, 48]",
            "model.layers.1.mlp.gate_proj.weight [48, 32]",
            "model.layers.1.mlp.up_proj.weight [48, 32]",
            "model.layers.1.post_attention_layernorm.weight [32]",
            "model.layers.1.self_attn.k_norm.weight [12]",
            "model.layers.1.self_attn.k_proj.weight [24, 32]",
            "model.layers.1.self_attn.o_proj.weight [32, 48]",
            "model.layers.1.self_attn.q_norm.weight [12]",
            "model.layers.1.self_attn.q_proj.weight [48, 32]",
            "model.layers.1.self_attn.v_proj.weight [24, 32]",
            "model.norm.weight [32]");

    @TempDir
    Path tmp;

    private NDManager base;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    @Test
    void shouldExportLlamaUnderTransformersNamesAndLoadItBackBitExactly() throws IOException {
        checkExport(HfModelInit.Spec.of("llama", 32, 2, 4, 2, 48, 50, false, 1), LLAMA);
    }

    @Test
    void shouldExportQwen2UnderTransformersNamesAndLoadItBackBitExactly() throws IOException {
        checkExport(HfModelInit.Spec.of("qwen2", 32, 2, 4, 2, 48, 50, true, 2), QWEN2);
    }

    @Test
    void shouldExportQwen3UnderTransformersNamesAndLoadItBackBitExactly() throws IOException {
        checkExport(HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 48, 50, true, 3).withHeadDim(12), QWEN3);
    }

    /**
     * Initialise, load, overwrite the weights with fresh random values (a "trained" policy), export as F32, and
     * check: the stored names and shapes are exactly transformers', reloading gives the same bits, config.json is
     * the original key for key (torch_dtype aside), and the tokenizer files came along.
     */
    private void checkExport(HfModelInit.Spec spec, List<String> expected) throws IOException {
        Path tokenizer = fakeTokenizer();
        Path source = HfModelInit.write(spec.withSpecialTokens(1, 2), tmp.resolve("source"), tokenizer);
        HfModel model = HfModel.open(source, 64);
        try (LlamaPolicy policy = model.create(base)) {
            policy.importWeights(randomImage(policy.layout().totalBytes(), spec.seed()));
            FlatWeights trained = policy.exportWeights();

            Path out = model.export(policy, tmp.resolve("out"), HfModelWriter.Options.float32(tokenizer));
            assertEquals(expected, describe(HfTestFiles.storedShapes(out)));
            try (LlamaPolicy reloaded = HfModel.open(out, 64).create(base)) {
                assertTrue(trained.contentEquals(reloaded.exportWeights()), "export -> load must be bit-exact");
            }

            ObjectNode before = (ObjectNode) JSON.readTree(source.resolve("config.json").toFile());
            ObjectNode after = (ObjectNode) JSON.readTree(out.resolve("config.json").toFile());
            assertEquals("float32", after.get("torch_dtype").asText());
            assertEquals(fieldNames(before), fieldNames(after), "config.json keeps every key in order");
            after.set("torch_dtype", before.get("torch_dtype"));
            assertEquals(before, after);

            for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
                assertEquals(-1, Files.mismatch(tokenizer.resolve(f), out.resolve(f)), f + " copied as is");
            }
            JsonNode generation = JSON.readTree(out.resolve("generation_config.json").toFile());
            assertEquals(1, generation.get("bos_token_id").asInt());
            assertEquals(2, generation.get("eos_token_id").asInt());
        }
    }

    @Test
    void shouldTakeTheTokenizerFromTheModelsOwnDirectoryByDefault() throws IOException {
        Path source = HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 1, 4, 2, 48, 50, true, 4), tmp.resolve("src"),
                fakeTokenizer());
        HfModel model = HfModel.open(source, 64);
        try (LlamaPolicy policy = model.create(base)) {
            Path out = model.export(policy, tmp.resolve("default"));
            assertEquals(-1, Files.mismatch(source.resolve("tokenizer.json"), out.resolve("tokenizer.json")));
            try (LlamaPolicy reloaded = HfModel.open(out, 64).create(base)) {
                assertTrue(policy.exportWeights().contentEquals(reloaded.exportWeights()));
            }
        }
    }

    @Test
    void shouldShardLargeExportsWithAnIndexAndLoadThemBackBitExactly() throws IOException {
        HfModel model = HfModel.open(LlamaFixtures.model("llama"), 64);
        try (LlamaPolicy policy = model.create(base)) {
            Path out = model.export(policy, tmp.resolve("sharded"),
                    HfModelWriter.Options.float32(null).withMaxShardBytes(60_000));
            JsonNode index = JSON.readTree(out.resolve(HfCheckpoint.INDEX_FILE).toFile());
            assertFalse(Files.exists(out.resolve(HfCheckpoint.SINGLE_FILE)));
            assertEquals(policy.layout().totalBytes(), index.get("metadata").get("total_size").asLong());
            assertEquals(policy.layout().size(), index.get("weight_map").size());
            long shards = Files.list(out).filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
            assertTrue(shards > 3, "expected several shards, got " + shards);
            try (LlamaPolicy reloaded = HfModel.open(out, 64).create(base)) {
                assertTrue(policy.exportWeights().contentEquals(reloaded.exportWeights()));
            }
        }
    }

    /** Llama 3.1's rope_scaling (transformers 4) and a yarn rope_parameters (transformers 5) come back as written. */
    @Test
    void shouldWriteBackTheRopeScalingBlockItLoaded() throws IOException {
        for (String fixture : List.of("llama3", "qwen2-yarn")) {
            Path source = LlamaFixtures.model(fixture);
            HfModel model = HfModel.open(source, 64);
            try (LlamaPolicy policy = model.create(base)) {
                Path out = model.export(policy, tmp.resolve(fixture), HfModelWriter.Options.float32(null));
                JsonNode before = JSON.readTree(source.resolve("config.json").toFile());
                JsonNode after = JSON.readTree(out.resolve("config.json").toFile());
                for (String key : List.of("rope_scaling", "rope_parameters", "rope_theta",
                        "max_position_embeddings")) {
                    assertEquals(before.get(key), after.get(key), fixture + ": " + key);
                }
                assertTrue(after.has(fixture.equals("llama3") ? "rope_scaling" : "rope_parameters"), fixture);
                HfModel reloaded = HfModel.open(out, 64);
                assertEquals(model.config().ropeScaling(), reloaded.config().ropeScaling(), fixture);
                try (LlamaPolicy again = reloaded.create(base)) {
                    assertTrue(policy.exportWeights().contentEquals(again.exportWeights()), fixture);
                }
            }
        }
    }

    @Test
    void shouldExportBf16RoundedToNearestEven() throws IOException {
        HfModel model = HfModel.open(LlamaFixtures.model("qwen2"), 64); // stored F32
        try (LlamaPolicy policy = model.create(base)) {
            Path out = model.export(policy, tmp.resolve("bf16"),
                    HfModelWriter.Options.float32(null).withDtype(SafetensorsDType.BF16));
            assertEquals("bfloat16", JSON.readTree(out.resolve("config.json").toFile()).get("torch_dtype").asText());
            try (LlamaPolicy reloaded = HfModel.open(out, 64).create(base)) {
                ByteBuffer original = policy.exportWeights().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer rounded = reloaded.exportWeights().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                boolean changed = false;
                while (original.hasRemaining()) {
                    float x = original.getFloat();
                    float y = rounded.getFloat();
                    assertEquals(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x)), y);
                    changed |= x != y;
                }
                assertTrue(changed, "F32 weights must actually be rounded");
            }
        }
    }

    @Test
    void shouldRefuseToOverwriteADirectoryOrExportAForeignLayout() throws IOException {
        HfModel model = HfModel.open(LlamaFixtures.model("qwen3"), 64);
        Path occupied = Files.createDirectories(tmp.resolve("occupied"));
        Files.writeString(occupied.resolve("notes.txt"), "mine");
        try (LlamaPolicy policy = model.create(base);
                LlamaPolicy other = HfModel.open(LlamaFixtures.model("llama"), 64).create(base)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.export(policy, occupied, HfModelWriter.Options.float32(null)));
            assertTrue(e.getMessage().contains("exists and is not an empty directory"), e.getMessage());
            assertEquals("mine", Files.readString(occupied.resolve("notes.txt")));
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> model.export(other, tmp.resolve("foreign"), HfModelWriter.Options.float32(null)));
            assertTrue(foreign.getMessage().contains("is not the one config.json describes"), foreign.getMessage());
            assertFalse(Files.exists(tmp.resolve("foreign")));
        }
    }

    private Path fakeTokenizer() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tokenizer"));
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": {\"type\": \"WordLevel\"}}");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\"}");
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"eos_token\": \"<|endoftext|>\"}");
        return dir;
    }

    private static FlatWeights randomImage(long bytes, long seed) {
        Random rng = new Random(seed * 31 + 7);
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            b.putFloat((float) rng.nextGaussian());
        }
        FlatWeights flat = FlatWeights.allocate(bytes);
        flat.put(0, b.flip());
        return flat;
    }

    private static List<String> describe(Map<String, List<Long>> shapes) {
        List<String> out = new ArrayList<>();
        new TreeMap<>(shapes).forEach((name, shape) -> out.add(name + " " + shape));
        return out;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
