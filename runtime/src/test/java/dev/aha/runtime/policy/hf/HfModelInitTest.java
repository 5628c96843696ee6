package dev.aha.runtime.policy.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfModelInitTest {

    @TempDir
    Path tmp;

    @Test
    void shouldWriteTheSameBytesForTheSameSeed() throws IOException {
        HfModelInit.Spec spec = HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 48, 64, true, 42).withHeadDim(16);
        Path a = HfModelInit.write(spec, tmp.resolve("a"), null);
        Path b = HfModelInit.write(spec, tmp.resolve("b"), null);
        Path c = HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 48, 64, true, 43).withHeadDim(16),
                tmp.resolve("c"), null);
        assertEquals(-1, Files.mismatch(a.resolve("model.safetensors"), b.resolve("model.safetensors")));
        assertEquals(-1, Files.mismatch(a.resolve("config.json"), b.resolve("config.json")));
        assertNotEquals(-1, Files.mismatch(a.resolve("model.safetensors"), c.resolve("model.safetensors")));
    }

    @Test
    void shouldInitialiseAsTransformersDoes() throws IOException {
        Path dir = HfModelInit.write(HfModelInit.Spec.of("qwen2", 64, 2, 4, 2, 128, 500, false, 7), tmp.resolve("m"),
                null);
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals("Qwen2ForCausalLM", config.get("architectures").get(0).asText());
        assertEquals("float32", config.get("torch_dtype").asText());
        assertEquals(16, config.get("head_dim").asInt());
        ComputeThreads.prepare(1);
        try (NDManager base = NDManager.newBaseManager();
                LlamaPolicy policy = HfModel.open(dir, 128).create(base)) {
            for (PolicyParameter p : policy.parameters()) {
                float[] v = p.array().toFloatArray();
                if (p.name().endsWith("norm.weight")) {
                    for (float x : v) {
                        assertEquals(1f, x, p.name());
                    }
                } else if (p.name().endsWith(".bias")) {
                    for (float x : v) {
                        assertEquals(0f, x, p.name());
                    }
                } else {
                    double sum = 0;
                    double squares = 0;
                    for (float x : v) {
                        sum += x;
                        squares += x * x;
                    }
                    double mean = sum / v.length;
                    double std = Math.sqrt(squares / v.length - mean * mean);
                    assertEquals(0.02, std, 0.002, p.name() + " std");
                    assertTrue(Math.abs(mean) < 0.002, p.name() + " mean " + mean);
                }
            }
        }
    }
}
