package dev.aha.runtime.policy.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.llama.LlamaFixtures;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading Hugging Face directories: what the factory reads, and how it fails on files that do not fit. */
class HfModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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
    void shouldKnowTheLayoutFromTheConfigAndBuildBlankPoliciesWithoutWeightFiles() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("config-only"));
        Files.copy(LlamaFixtures.model("qwen3").resolve("config.json"), dir.resolve("config.json"));
        HfModel model = HfModel.open(dir, 64);
        assertEquals("qwen3", model.architecture());
        assertEquals(300, model.vocabSize());
        assertEquals(64, model.contextLength());
        assertEquals(HfModel.open(LlamaFixtures.model("qwen3"), 64).layout(), model.layout());
        try (LlamaPolicy blank = model.blank(base)) {
            assertEquals(model.layout(), blank.layout());
            assertEquals(0f, blank.parameters().get(0).array().abs().sum().getFloat());
        }
        HfFormatException e = assertThrows(HfFormatException.class, () -> model.create(base));
        assertTrue(e.getMessage().contains("has no model.safetensors and no model.safetensors.index.json"),
                e.getMessage());
    }

    @Test
    void shouldSayWhatItDoesNotRead() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("pickled"));
        Files.copy(LlamaFixtures.model("llama").resolve("config.json"), dir.resolve("config.json"));
        Files.writeString(dir.resolve("pytorch_model.bin"), "not read");
        String message = assertThrows(HfFormatException.class, () -> HfModel.open(dir, 64).create(base)).getMessage();
        assertTrue(message.contains("PyTorch pickle weights are not read"), message);
        HfModel.requireComputeDtype("f32");
        String dtype = assertThrows(IllegalArgumentException.class, () -> HfModel.requireComputeDtype("bf16"))
                .getMessage();
        assertTrue(dtype.contains("compute dtype 'bf16' is not implemented"), dtype);
    }

    @Test
    void shouldNameAMissingTensorAndItsFile() {
        Path dir = HfTestFiles.copyDir(LlamaFixtures.model("qwen3"), tmp.resolve("missing"));
        Map<String, long[]> shapes = new HashMap<>();
        Map<String, float[]> tensors = HfTestFiles.readAll(dir.resolve("model.safetensors"), shapes);
        tensors.remove("model.layers.1.self_attn.k_norm.weight");
        HfTestFiles.write(dir.resolve("model.safetensors"), tensors, shapes);
        String message = assertThrows(HfFormatException.class, () -> HfModel.open(dir, 64).create(base)).getMessage();
        assertTrue(message.contains("tensor model.layers.1.self_attn.k_norm.weight is missing from "
                + dir.resolve("model.safetensors")), message);
    }

    @Test
    void shouldNameAnUnexpectedTensorAndItsFile() {
        Path dir = HfTestFiles.copyDir(LlamaFixtures.model("qwen3"), tmp.resolve("extra"));
        Map<String, long[]> shapes = new HashMap<>();
        Map<String, float[]> tensors = HfTestFiles.readAll(dir.resolve("model.safetensors"), shapes);
        tensors.put("lm_head.weight", tensors.get("model.embed_tokens.weight"));
        shapes.put("lm_head.weight", shapes.get("model.embed_tokens.weight"));
        HfTestFiles.write(dir.resolve("model.safetensors"), tensors, shapes);
        String message = assertThrows(HfFormatException.class, () -> HfModel.open(dir, 64).create(base)).getMessage();
        assertTrue(message.contains("unexpected tensor lm_head.weight in " + dir.resolve("model.safetensors")), message);
        assertTrue(message.contains("tie_word_embeddings"), message);
    }

    @Test
    void shouldNameAShapeMismatchAndItsFile() throws IOException {
        Path dir = HfTestFiles.copyDir(LlamaFixtures.model("llama"), tmp.resolve("shape"));
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        config.put("intermediate_size", 128);
        Files.writeString(dir.resolve("config.json"), config.toString());
        String message = assertThrows(HfFormatException.class, () -> HfModel.open(dir, 64).create(base)).getMessage();
        assertTrue(message.contains("tensor model.layers.0.mlp.gate_proj.weight in " + dir.resolve("model.safetensors")
                + " has shape [96, 64], config.json implies [128, 64]"), message);
    }

    @Test
    void shouldCheckTheShardIndexAsUntrustedInput() throws IOException {
        Path dir = HfTestFiles.copyDir(LlamaFixtures.model("qwen2"), tmp.resolve("index"));
        Path index = dir.resolve(HfCheckpoint.INDEX_FILE);
        ObjectNode original = (ObjectNode) JSON.readTree(index.toFile());

        ObjectNode escape = original.deepCopy();
        ((ObjectNode) escape.get("weight_map")).put("model.norm.weight", "../model-00002-of-00002.safetensors");
        Files.writeString(index, escape.toString());
        String escapeMessage = assertThrows(HfFormatException.class, () -> HfModel.open(dir, 64).create(base))
                .getMessage();
        assertTrue(escapeMessage.contains("tensor model.norm.weight maps to '\"../model-00002-of-00002.safetensors\"',"
                + " not a file name in the model directory"), escapeMessage);

        ObjectNode wrongShard = original.deepCopy();
        ((ObjectNode) wrongShard.get("weight_map")).put("model.norm.weight", "model-00001-of-00002.safetensors");
        Files.writeString(index, wrongShard.toString());
        String wrongMessage = assertThrows(HfFormatException.class, () -> HfModel.open(dir, 64).create(base))
                .getMessage();
        assertTrue(wrongMessage.contains("maps tensor model.norm.weight to "
                + dir.resolve("model-00001-of-00002.safetensors") + ", which does not hold it"), wrongMessage);

        ObjectNode unmapped = original.deepCopy();
        ((ObjectNode) unmapped.get("weight_map")).remove("model.norm.weight");
        Files.writeString(index, unmapped.toString());
        String unmappedMessage = assertThrows(HfFormatException.class, () -> HfModel.open(dir, 64).create(base))
                .getMessage();
        assertTrue(unmappedMessage.contains("unexpected tensor model.norm.weight in "
                + dir.resolve("model-00002-of-00002.safetensors")), unmappedMessage);
    }

    @Test
    void shouldLoadSixteenBitFilesAsTheirExactFloat32Values() {
        // qwen3 is stored F16 and llama BF16: every loaded weight must be the exact widening of the stored value
        for (String name : new String[] {"qwen3", "llama"}) {
            Path dir = LlamaFixtures.model(name);
            try (LlamaPolicy policy = HfModel.open(dir, 64).create(base);
                    SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
                for (PolicyParameter p : policy.parameters()) {
                    short first = rawShort(file, p.name());
                    float expected = name.equals("qwen3") ? HalfFloats.f16ToFloat(first) : HalfFloats.bf16ToFloat(first);
                    assertEquals(expected, p.array().flatten().getFloat(0), p.name());
                }
            }
        }
    }

    private static short rawShort(SafetensorsFile file, String tensor) {
        try (FileChannel channel = FileChannel.open(file.path())) {
            ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(b, file.entry(tensor).begin());
            return b.getShort(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
