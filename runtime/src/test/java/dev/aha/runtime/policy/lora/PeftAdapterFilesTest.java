package dev.aha.runtime.policy.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.policy.hf.SafetensorsHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter files are PEFT's: every case of {@code src/test/fixtures/peft/tiny-qwen3-lora.json} (the keys and
 * tensor names PEFT writes for a tiny Qwen3, derived from PEFT's source) is written by Aha and compared key for key
 * and tensor for tensor.
 */
class PeftAdapterFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURE = Path.of("src/test/fixtures/peft/tiny-qwen3-lora.json");

    @TempDir
    static Path tmp;

    private static JsonNode fixture;
    private static HfModel model;
    private NDManager manager;

    @BeforeAll
    static void model() throws Exception {
        fixture = JSON.readTree(FIXTURE.toFile());
        JsonNode m = fixture.get("model");
        model = HfModel.open(HfModelInit.write(HfModelInit.Spec.of(m.get("model_type").asText(),
                m.get("hidden_size").asInt(), m.get("num_hidden_layers").asInt(), m.get("num_attention_heads").asInt(),
                m.get("num_key_value_heads").asInt(), m.get("intermediate_size").asInt(), 64,
                m.get("tie_word_embeddings").asBoolean(), 3).withHeadDim(m.get("head_dim").asInt()),
                tmp.resolve("base"), null), 64);
    }

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static LoraSettings settings(JsonNode aha) {
        List<String> targets = new ArrayList<>();
        aha.get("targets").forEach(t -> targets.add(t.asText()));
        return new LoraSettings(aha.get("rank").asInt(), aha.get("alpha").asDouble(), aha.get("dropout").asDouble(),
                targets, LoraInit.parse(aha.get("init").asText()), aha.get("rslora").asBoolean());
    }

    @Test
    void everyFixtureCaseIsWrittenAsPeftWritesIt() throws Exception {
        int n = 0;
        for (JsonNode c : fixture.get("cases")) {
            Path out = tmp.resolve("case-" + n++);
            try (LoraPolicy lora = LoraPolicy.over(model.create(manager), settings(c.get("aha")), "base", 1)) {
                PeftAdapterFiles.write(lora, "/models/base", out, SafetensorsDType.F32);
                String text = Files.readString(out.resolve("adapter_config.json"));
                ObjectNode written = (ObjectNode) JSON.readTree(text);
                ObjectNode expected = c.get("adapter_config").deepCopy();
                expected.put("base_model_name_or_path", "/models/base");
                assertEquals(expected, written, c.get("peft").asText());
                List<String> keys = new ArrayList<>();
                written.fieldNames().forEachRemaining(keys::add);
                assertEquals(keys.stream().sorted().toList(), keys, "keys in sorted order, as json.dumps(sort_keys)");
                for (Iterator<String> it = written.fieldNames(); it.hasNext();) {
                    assertFalse(fixture.get("peft_0_20_only").has(it.next()));
                }

                try (SafetensorsFile file = SafetensorsFile.open(out.resolve("adapter_model.safetensors"))) {
                    Map<String, List<Long>> shapes = new TreeMap<>();
                    for (SafetensorsHeader.Entry e : file.header().entries().values()) {
                        assertEquals(SafetensorsDType.F32, e.dtype());
                        shapes.put(e.name(), java.util.Arrays.stream(e.shape()).boxed().toList());
                    }
                    Map<String, List<Long>> wanted = new TreeMap<>();
                    c.get("tensors").fields().forEachRemaining(f -> {
                        List<Long> dims = new ArrayList<>();
                        ((ArrayNode) f.getValue()).forEach(d -> dims.add(d.asLong()));
                        wanted.put(f.getKey(), dims);
                    });
                    assertEquals(wanted, shapes, c.get("peft").asText());
                    assertEquals(Map.of("format", "pt"), file.header().metadata());
                    for (PolicyParameter p : lora.parameters()) {
                        assertArrayEquals(p.array().toFloatArray(), file.readFloats("base_model.model." + p.name()),
                                0f, p.name());
                    }
                }
            }
        }
        assertEquals(3, n);
    }

    @Test
    void aTargetThatHoldsFilesIsRefused() throws Exception {
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        try (LoraPolicy lora = LoraPolicy.over(model.create(manager), LoraFixtures.settings(2, 8, LoraInit.PEFT_DEFAULT),
                "base", 1)) {
            assertEquals(full + " exists and is not an empty directory", assertThrows(IllegalArgumentException.class,
                    () -> PeftAdapterFiles.write(lora, "base", full, SafetensorsDType.F32)).getMessage());
        }
        assertEquals("mine", Files.readString(full.resolve("keep.txt")));
    }

    @Test
    void theGptsAdaptersDoNotExportAsPeft() {
        try (LoraPolicy lora = LoraPolicy.over(GptPolicy.create(LoraFixtures.gpt(), manager),
                LoraFixtures.settings(4, 8, LoraInit.PEFT_DEFAULT), "gpt", 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PeftAdapterFiles.write(lora, "gpt", tmp.resolve("gpt"), SafetensorsDType.F32));
            assertTrue(e.getMessage().contains("the built-in gpt's adapters do not export"), e.getMessage());
        }
    }
}
