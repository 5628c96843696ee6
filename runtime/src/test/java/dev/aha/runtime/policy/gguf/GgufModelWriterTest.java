package dev.aha.runtime.policy.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.hf.HalfFloats;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.SmallPieces;
import dev.aha.runtime.policy.hf.TensorBytes;
import dev.aha.runtime.policy.llama.LlamaConfig;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import dev.aha.runtime.policy.llama.RopeFrequencies;
import dev.aha.runtime.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies written as GGUF and read back: llama.cpp's tensor names, types and shapes, the values (permuted for
 * llama's q/k), the architecture's keys and the real Qwen3 tokenizer as llama.cpp's converter writes it.
 */
class GgufModelWriterTest {

    private static final int QWEN3_ROWS = 151_680; // 151,669 ids rounded up to a multiple of 128
    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        ComputeThreads.prepare(1);
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static Path qwen3Tokenizer() {
        return TestData.tokenizer("qwen3");
    }

    private static LlamaConfig config(String arch, int hidden, int heads, int kvHeads, int headDim, boolean tied) {
        return HfModelInit.Spec.of(arch, hidden, 2, heads, kvHeads, 64, QWEN3_ROWS, tied, 1).withHeadDim(headDim)
                .withSpecialTokens(151_643, 151_645).config();
    }

    /** Random values everywhere (norms too), so a tensor written under the wrong name would show. */
    private static LlamaPolicy randomPolicy(LlamaConfig config) {
        LlamaPolicy policy = LlamaPolicy.zeros(config, 64, manager);
        Random rng = new Random(7);
        for (PolicyParameter p : policy.parameters()) {
            TensorBytes.fill(p.array(), (first, bytes) -> {
                FloatBuffer f = bytes.asFloatBuffer();
                while (f.hasRemaining()) {
                    f.put((float) rng.nextGaussian());
                }
            });
        }
        return policy;
    }

    private static Map<String, float[]> values(LlamaPolicy policy) {
        Map<String, float[]> out = new HashMap<>();
        for (PolicyParameter p : policy.parameters()) {
            float[] v = new float[Math.toIntExact(p.elementCount())];
            TensorBytes.read(p.array(), bytes -> bytes.asFloatBuffer().get(v));
            out.put(p.name(), v);
        }
        return out;
    }

    private GgufReader write(LlamaPolicy policy, GgmlType type) throws Exception {
        Path file = dir.resolve(policy.architecture() + "-" + type + ".gguf");
        GgufModelWriter.write(policy, policy.config(), file,
                new GgufModelWriter.Options(type, qwen3Tokenizer(), "tiny"));
        return GgufReader.read(file);
    }

    @Test
    void qwen3InF32IsTheSameWeightsUnderLlamaCppNamesWithItsTokenizer() throws Exception {
        LlamaConfig config = config("qwen3", 32, 2, 1, 16, true);
        try (LlamaPolicy policy = randomPolicy(config)) {
            GgufReader r = write(policy, GgmlType.F32);
            Set<String> expected = new java.util.TreeSet<>(Set.of("token_embd.weight", "output_norm.weight"));
            for (int i = 0; i < 2; i++) {
                for (String t : List.of("attn_q", "attn_k", "attn_v", "attn_output", "attn_q_norm", "attn_k_norm",
                        "ffn_gate", "ffn_up", "ffn_down", "attn_norm", "ffn_norm")) {
                    expected.add("blk." + i + "." + t + ".weight");
                }
            }
            assertEquals(expected, new java.util.TreeSet<>(r.tensors.keySet()), "tied: no output.weight");
            Map<String, float[]> v = values(policy);
            assertArrayEquals(v.get("model.embed_tokens.weight"), r.floats("token_embd.weight"));
            assertArrayEquals(v.get("model.layers.1.self_attn.q_proj.weight"), r.floats("blk.1.attn_q.weight"),
                    "qwen3's NEOX rope: q stays as it is");
            assertArrayEquals(v.get("model.layers.0.self_attn.k_norm.weight"), r.floats("blk.0.attn_k_norm.weight"));
            assertArrayEquals(v.get("model.layers.0.post_attention_layernorm.weight"),
                    r.floats("blk.0.ffn_norm.weight"));
            assertArrayEquals(v.get("model.layers.0.mlp.down_proj.weight"), r.floats("blk.0.ffn_down.weight"));
            assertArrayEquals(new long[] {32, QWEN3_ROWS}, r.tensors.get("token_embd.weight").dims());
            assertArrayEquals(new long[] {64, 32}, r.tensors.get("blk.0.ffn_down.weight").dims(), "[hidden, ff]");

            Map<String, Object> m = r.metadata;
            assertEquals("qwen3", m.get("general.architecture"));
            assertEquals("tiny", m.get("general.name"));
            assertEquals(32L, m.get("general.alignment"));
            assertEquals(0L, m.get("general.file_type"), "ALL_F32");
            assertEquals(2L, m.get("qwen3.block_count"));
            assertEquals(4096L, m.get("qwen3.context_length"));
            assertEquals(32L, m.get("qwen3.embedding_length"));
            assertEquals(64L, m.get("qwen3.feed_forward_length"));
            assertEquals(2L, m.get("qwen3.attention.head_count"));
            assertEquals(1L, m.get("qwen3.attention.head_count_kv"));
            assertEquals(16L, m.get("qwen3.attention.key_length"));
            assertEquals(16L, m.get("qwen3.attention.value_length"));
            assertEquals(1e6f, m.get("qwen3.rope.freq_base"));
            assertEquals(1e-6f, m.get("qwen3.attention.layer_norm_rms_epsilon"));

            assertEquals("gpt2", m.get("tokenizer.ggml.model"));
            assertEquals("qwen2", m.get("tokenizer.ggml.pre"), "llama.cpp's name for Qwen's pre-tokenizer");
            List<?> tokens = (List<?>) m.get("tokenizer.ggml.tokens");
            List<?> types = (List<?>) m.get("tokenizer.ggml.token_type");
            assertEquals(QWEN3_ROWS, tokens.size(), "one token per embedding row");
            assertEquals("!", tokens.get(0));
            assertEquals(1, types.get(0), "NORMAL");
            assertEquals("<|im_start|>", tokens.get(151_644));
            assertEquals(3, types.get(151_644), "CONTROL");
            assertEquals("<think>", tokens.get(151_667));
            assertEquals(4, types.get(151_667), "USER_DEFINED: an added token not marked special");
            assertEquals("[PAD151669]", tokens.get(151_669));
            assertEquals(5, types.get(151_669), "UNUSED");
            List<?> merges = (List<?>) m.get("tokenizer.ggml.merges");
            assertEquals("\u0120 \u0120", merges.get(0), "pair merges joined by a space");
            assertEquals(151_387, merges.size());
            assertEquals(151_645L, m.get("tokenizer.ggml.eos_token_id"), "tokenizer_config's eos_token");
            assertEquals(151_643L, m.get("tokenizer.ggml.padding_token_id"));
            assertEquals(151_643L, m.get("tokenizer.ggml.bos_token_id"), "config.json's bos_token_id");
            assertEquals(false, m.get("tokenizer.ggml.add_bos_token"));
            String template = new ObjectMapper().readTree(qwen3Tokenizer().resolve("tokenizer_config.json").toFile())
                    .get("chat_template").asText();
            assertEquals(template, m.get("tokenizer.chat_template"));
        }
    }

    @Test
    void llamaPermutesQueryAndKeyRowsAndKeepsItsOutputHead() throws Exception {
        LlamaConfig config = config("llama", 32, 4, 2, 8, false);
        try (LlamaPolicy policy = randomPolicy(config)) {
            GgufReader r = write(policy, GgmlType.F32);
            Map<String, float[]> v = values(policy);
            assertTrue(r.tensors.containsKey("output.weight"), "untied: its own output head");
            assertArrayEquals(v.get("lm_head.weight"), r.floats("output.weight"));
            assertEquals((long) QWEN3_ROWS, r.metadata.get("llama.vocab_size"));
            assertEquals(8L, r.metadata.get("llama.rope.dimension_count"));
            // head of 8 rows: rotate-half order (h0..h3 | h4..h7) becomes pairs (h0 h4 h1 h5 h2 h6 h3 h7)
            int[] order = {0, 4, 1, 5, 2, 6, 3, 7};
            assertRowsPermuted(v.get("model.layers.0.self_attn.q_proj.weight"), r.floats("blk.0.attn_q.weight"), 4,
                    order);
            assertRowsPermuted(v.get("model.layers.1.self_attn.k_proj.weight"), r.floats("blk.1.attn_k.weight"), 2,
                    order);
            assertArrayEquals(v.get("model.layers.0.self_attn.v_proj.weight"), r.floats("blk.0.attn_v.weight"),
                    "v is not rotated");
        }
    }

    private static void assertRowsPermuted(float[] hf, float[] gguf, int heads, int[] order) {
        int cols = 32;
        for (int h = 0; h < heads; h++) {
            for (int row = 0; row < order.length; row++) {
                for (int c = 0; c < cols; c++) {
                    assertEquals(hf[((h * 8) + order[row]) * cols + c], gguf[((h * 8) + row) * cols + c],
                            "head " + h + " row " + row);
                }
            }
        }
    }

    @Test
    void qwen2BiasesAndHalfTypesKeepNormsAndVectorsInF32() throws Exception {
        LlamaConfig config = config("qwen2", 32, 2, 1, 16, true);
        try (LlamaPolicy policy = randomPolicy(config)) {
            Map<String, float[]> v = values(policy);
            for (GgmlType type : List.of(GgmlType.F16, GgmlType.BF16)) {
                GgufReader r = write(policy, type);
                assertEquals((long) type.fileType(), r.metadata.get("general.file_type"));
                assertEquals(type.id(), r.tensors.get("blk.0.attn_q.weight").type());
                assertEquals(0, r.tensors.get("blk.0.attn_q.bias").type(), "biases stay F32");
                assertEquals(0, r.tensors.get("blk.0.attn_norm.weight").type(), "norms stay F32");
                assertArrayEquals(v.get("model.layers.0.self_attn.k_proj.bias"), r.floats("blk.0.attn_k.bias"));
                float[] w = v.get("model.layers.0.mlp.up_proj.weight");
                ByteBuffer stored = r.data("blk.0.ffn_up.weight", w.length * 2L);
                for (int i = 0; i < w.length; i++) {
                    short expected = type == GgmlType.F16 ? HalfFloats.floatToF16(w[i]) : HalfFloats.floatToBf16(w[i]);
                    assertEquals(expected, stored.getShort(2 * i));
                }
            }
        }
    }

    /** Tensors past 2 GiB reach the encoder a piece of whole rows at a time: the file must not change. */
    @Test
    void tensorsInPiecesEncodeToTheSameBytes() throws Exception {
        LlamaConfig config = HfModelInit.Spec.of("llama", 64, 1, 4, 2, 64, 96, false, 1).config();
        try (LlamaPolicy policy = randomPolicy(config)) {
            Path whole = dir.resolve("whole.gguf");
            Path pieced = dir.resolve("pieced.gguf");
            GgufWriter.write(whole, new GgufMetadata(), tensors(policy, config));
            try (SmallPieces small = SmallPieces.of(600)) { // 2 rows of 64: q/k permuted across pieces, Q8 blocks
                GgufWriter.write(pieced, new GgufMetadata(), tensors(policy, config));
            }
            assertEquals(-1, Files.mismatch(whole, pieced));
        }
    }

    private static List<GgufWriter.Tensor> tensors(LlamaPolicy policy, LlamaConfig config) {
        return policy.parameters().stream().map(p -> GgufModelWriter.tensor(p, config, GgmlType.Q8_0)).toList();
    }

    @Test
    void q8RowsThatDoNotFillBlocksFallBackToF16() throws Exception {
        LlamaConfig config = HfModelInit.Spec.of("qwen3", 48, 1, 2, 1, 64, QWEN3_ROWS, true, 1).withHeadDim(16)
                .config();
        try (LlamaPolicy policy = randomPolicy(config)) {
            GgufReader r = write(policy, GgmlType.Q8_0);
            assertEquals(7L, r.metadata.get("general.file_type"), "MOSTLY_Q8_0");
            assertEquals(1, r.tensors.get("blk.0.attn_q.weight").type(), "rows of 48: F16, as the converter does");
            assertEquals(8, r.tensors.get("blk.0.ffn_down.weight").type(), "rows of 64: Q8_0");
            assertEquals(8, r.tensors.get("blk.0.attn_output.weight").type(), "rows of 2 x 16: Q8_0");
        }
    }

    /** {@code config} with {@code rope} (JSON) as its rope_scaling, read as config.json is. */
    private static LlamaConfig scaled(LlamaConfig config, String rope) throws Exception {
        ObjectNode json = config.toJson();
        json.set("rope_scaling", new ObjectMapper().readTree(rope));
        return LlamaConfig.parse(json, "config.json");
    }

    @Test
    void llama3ScalingBecomesTheRopeFreqsTensorThatLlamaCppDividesBy() throws Exception {
        // head_dim 8, theta 5e5: wavelengths 6.3, 167, 4443, 118000 against 400/4 and 400/1: kept, blended, divided
        LlamaConfig config = scaled(config("llama", 32, 4, 2, 8, false), "{\"rope_type\": \"llama3\", "
                + "\"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, "
                + "\"original_max_position_embeddings\": 400}");
        try (LlamaPolicy policy = randomPolicy(config)) {
            GgufReader r = write(policy, GgmlType.F32);
            assertEquals(GgufRope.ROPE_FREQS, r.tensors.keySet().iterator().next(), "first, as the converter");
            assertEquals(0, r.tensors.get(GgufRope.ROPE_FREQS).type(), "F32");
            assertArrayEquals(new long[] {4}, r.tensors.get(GgufRope.ROPE_FREQS).dims());
            float[] factors = r.floats(GgufRope.ROPE_FREQS);
            assertEquals(1f, factors[0]);
            assertTrue(factors[1] > 1f && factors[1] < 8f, "blended: " + factors[1]);
            assertEquals(8f, factors[2]);
            assertEquals(8f, factors[3]);
            float[] plain = RopeFrequencies.of(8, config.ropeTheta(), null).inverse();
            float[] llama3 = RopeFrequencies.of(config).inverse();
            for (int i = 0; i < 4; i++) {
                assertEquals(llama3[i], plain[i] / factors[i], 1e-6 * llama3[i], "llama.cpp's theta / factor");
            }
            assertFalse(r.metadata.containsKey("llama.rope.scaling.type"), "llama3 needs no scaling keys");
        }
    }

    @Test
    void yarnAndLinearScalingAreWrittenAsLlamaCppsKeys() throws Exception {
        LlamaConfig yarn = scaled(config("qwen2", 32, 2, 1, 16, true),
                "{\"type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 1024}");
        try (LlamaPolicy policy = randomPolicy(yarn)) {
            GgufReader r = write(policy, GgmlType.F32);
            assertEquals("yarn", r.metadata.get("qwen2.rope.scaling.type"));
            assertEquals(4f, r.metadata.get("qwen2.rope.scaling.factor"));
            assertEquals(1024L, r.metadata.get("qwen2.rope.scaling.original_context_length"));
            assertFalse(r.tensors.containsKey(GgufRope.ROPE_FREQS));
        }
        GgufMetadata linear = new GgufMetadata();
        GgufRope.put(scaled(config("llama", 32, 4, 2, 8, false), "{\"type\": \"linear\", \"factor\": 2}"), linear);
        assertEquals(List.of("llama.rope.scaling.type", "llama.rope.scaling.factor"), linear.keys());
        assertEquals("linear", linear.get("llama.rope.scaling.type").value());
        assertEquals(2f, linear.get("llama.rope.scaling.factor").value());
    }

    @Test
    void refusesWhatLlamaCppCannotLoadOrTokenize() throws Exception {
        LlamaConfig qwen3Bias = new LlamaConfig("qwen3", 32, 64, 1, 2, 1, 16, 1e-6, 1e6, QWEN3_ROWS, 4096, true, true,
                null, null, List.of(), null);
        assertRefused(qwen3Bias, qwen3Tokenizer(), "llama.cpp's qwen3 has no attention output bias");
        LlamaConfig qwen2Wide = config("qwen2", 32, 2, 1, 32, true);
        assertRefused(qwen2Wide, qwen3Tokenizer(), "qwen2 with head_dim 32 x 2 heads != hidden_size 32");
        String llama3 = "{\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, "
                + "\"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 400}";
        assertRefused(scaled(config("qwen3", 32, 2, 1, 16, true), llama3), qwen3Tokenizer(),
                "rope_type llama3 on qwen3: llama.cpp reads per-dimension RoPE factors (rope_freqs) for llama only");
        String yarn = "{\"rope_type\": \"yarn\", \"factor\": 4.0, ";
        assertRefused(scaled(config("qwen2", 32, 2, 1, 16, true), yarn + "\"beta_fast\": 16}"), qwen3Tokenizer(),
                "yarn with beta_fast 16.0 / beta_slow 1.0 (llama.cpp uses 32 / 1)");
        assertRefused(scaled(config("qwen3", 32, 2, 1, 16, true), yarn + "\"truncate\": false}"), qwen3Tokenizer(),
                "yarn with truncate: false");
        assertRefused(scaled(config("llama", 32, 4, 2, 8, false), yarn + "\"attention_factor\": 1.5}"),
                qwen3Tokenizer(), "yarn with attention factor 1.5 (llama.cpp uses get_mscale(factor) = 1.138");
        LlamaConfig small = HfModelInit.Spec.of("qwen3", 32, 1, 2, 1, 64, 1000, true, 1).withHeadDim(16).config();
        assertRefused(small, qwen3Tokenizer(), "has token id 151668, past the model's 1000 embedding rows");
        assertRefused(config("qwen3", 32, 2, 1, 16, true), dir, "has no tokenizer.json: a GGUF file carries");

        Path wordLevel = Files.createDirectories(dir.resolve("wordlevel"));
        Files.writeString(wordLevel.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordLevel\", \"vocab\": "
                + "{\"a\": 0}, \"unk_token\": \"a\"}, \"added_tokens\": []}");
        assertRefused(small, wordLevel, "writes byte-level BPE vocabularies (llama.cpp's gpt2 model), this one is"
                + " WordLevel");

        Path tinyBpe = Files.createDirectories(dir.resolve("tiny-bpe"));
        Files.writeString(tinyBpe.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"added_tokens\": [],"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false,"
                + " \"trim_offsets\": true, \"use_regex\": true}, \"post_processor\": null, \"decoder\": {\"type\":"
                + " \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true},"
                + " \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\":"
                + " [[\"a\", \"b\"]]}}");
        assertRefused(small, tinyBpe, "llama.cpp does not know this tokenizer's pre-tokenizer (check hash ");

        Path notByteLevel = Files.createDirectories(dir.resolve("sentencepiece-bpe"));
        Files.writeString(notByteLevel.resolve("tokenizer.json"), Files.readString(tinyBpe.resolve("tokenizer.json"))
                .replace("ByteLevel", "Metaspace"));
        assertRefused(small, notByteLevel, "this one is BPE without ByteLevel");

        Path oddMerges = Files.createDirectories(dir.resolve("odd-merges"));
        Files.writeString(oddMerges.resolve("tokenizer.json"), Files.readString(tinyBpe.resolve("tokenizer.json"))
                .replace("[[\"a\", \"b\"]]", "[[\"a\", \"b\", \"c\"]]"));
        assertRefused(small, oddMerges, "a merge is neither \"a b\" nor [\"a\", \"b\"]: [\"a\",\"b\",\"c\"]");

        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("tokenizer.json"), Files.readString(tinyBpe.resolve("tokenizer.json"))
                .replace("\"merges\": [[\"a\", \"b\"]]", "\"merges\": [], \"dropout\": \"often\""));
        assertRefused(small, broken, "tokenizer.json: the tokenizers library cannot load it: ");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GgufModelWriter.Options(GgmlType.F32, null, null));
        assertEquals("a GGUF file carries its vocabulary: give a tokenizer directory", e.getMessage());
        try (LlamaPolicy policy = LlamaPolicy.zeros(small, 16, manager)) {
            e = assertThrows(IllegalArgumentException.class, () -> GgufModelWriter.write(policy,
                    config("qwen3", 32, 2, 1, 16, true), dir.resolve("other.gguf"),
                    new GgufModelWriter.Options(GgmlType.F32, qwen3Tokenizer(), null)));
            assertEquals("the policy's layout (qwen3) is not the one its config describes", e.getMessage());
        }
    }

    private void assertRefused(LlamaConfig config, Path tokenizer, String message) {
        Path target = dir.resolve("refused.gguf");
        try (LlamaPolicy policy = LlamaPolicy.zeros(config, 16, manager)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GgufModelWriter.write(
                    policy, config, target, new GgufModelWriter.Options(GgmlType.F32, tokenizer, null)));
            assertTrue(e.getMessage().contains(message), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
        assertFalse(Files.exists(target));
    }
}
