package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.HfModelInit;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.policy.lora.LoraInit;
import dev.aha.runtime.policy.lora.LoraPolicy;
import dev.aha.runtime.policy.lora.LoraSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aha export --adapter} and {@code --merge} on a checkpoint of LoRA adapters over a tiny Qwen3: PEFT's files
 * merged by hand (W + alpha/r B A) give the model --merge writes; and every refusal is one line.
 */
class AdapterExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double SCALING = 16.0 / 4;

    @TempDir
    static Path dir;

    private static Path base;
    private static Path adapters;
    private static Path whole;

    @BeforeAll
    static void checkpoints() {
        base = HfModelInit.write(spec(3), dir.resolve("base"), null);
        HfModel model = HfModel.open(base, 64);
        ObjectNode description = model.describe().put("tokenizer", "char");
        ComputeThreads.prepare(1);
        try (NDManager m = NDManager.newBaseManager();
                Policy plain = model.create(m);
                LoraPolicy lora = LoraPolicy.over(model.create(m), new LoraSettings(4, 16, 0, List.of("all-linear"),
                        LoraInit.RANDOM, false), base.toString(), 5)) {
            ObjectNode run = JSON.createObjectNode().put("step", 3);
            adapters = new CheckpointStore(dir.resolve("lora-run"), 1).describing(description).savePolicy(3, lora, run);
            whole = new CheckpointStore(dir.resolve("whole-run"), 1).describing(description).savePolicy(0, plain, run);
        }
    }

    /** hidden 32, 2 layers, 4 heads over 2 kv heads, MLP 64, 128 ids (the char tokenizer's fit), untied. */
    private static HfModelInit.Spec spec(long seed) {
        return HfModelInit.Spec.of("qwen3", 32, 2, 4, 2, 64, 128, false, seed);
    }

    private static CliRun export(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("export", "--checkpoint"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void peftsFilesMergedByHandAreTheModelMergeWrites() throws Exception {
        Path peft = dir.resolve("peft");
        Path merged = dir.resolve("merged");
        CliRun a = export(adapters.toString(), "--adapter", "--out", peft.toString());
        assertEquals(0, a.code(), a.err());
        CliRun b = export(adapters.toString(), "--merge", "--out", merged.toString());
        assertEquals(0, b.code(), b.err());

        JsonNode config = JSON.readTree(peft.resolve("adapter_config.json").toFile());
        assertEquals(base.toAbsolutePath().normalize().toString(), config.get("base_model_name_or_path").asText());
        assertEquals("LORA", config.get("peft_type").asText());
        assertEquals(4, config.get("r").asInt());
        assertEquals(16, config.get("lora_alpha").asInt());
        assertEquals(14, config.get("target_modules").size(), "all-linear: every projection of both layers");

        int adapted = 0;
        try (SafetensorsFile original = SafetensorsFile.open(base.resolve("model.safetensors"));
                SafetensorsFile lora = SafetensorsFile.open(peft.resolve("adapter_model.safetensors"));
                SafetensorsFile out = SafetensorsFile.open(merged.resolve("model.safetensors"))) {
            assertEquals(original.header().entries().keySet(), out.header().entries().keySet());
            for (String name : original.header().entries().keySet()) {
                float[] w = original.readFloats(name);
                float[] m = out.readFloats(name);
                String module = "base_model.model." + name.substring(0, name.length() - ".weight".length());
                if (lora.entry(module + ".lora_A.weight") == null) {
                    assertTrue(java.util.Arrays.equals(w, m), name + " is not adapted: the base's own");
                    continue;
                }
                adapted++;
                float[] aValues = lora.readFloats(module + ".lora_A.weight"); // [r, in]
                float[] bValues = lora.readFloats(module + ".lora_B.weight"); // [out, r]
                int in = (int) lora.entry(module + ".lora_A.weight").shape()[1];
                int r = 4;
                int outs = bValues.length / r;
                double moved = 0;
                for (int o = 0; o < outs; o++) {
                    for (int i = 0; i < in; i++) {
                        double delta = 0;
                        for (int k = 0; k < r; k++) {
                            delta += (double) bValues[o * r + k] * aValues[k * in + i];
                        }
                        double expected = w[o * in + i] + SCALING * delta;
                        assertEquals(expected, m[o * in + i], 1e-5, name + "[" + o + ", " + i + "]");
                        moved = Math.max(moved, Math.abs(m[o * in + i] - w[o * in + i]));
                    }
                }
                assertTrue(moved > 1e-3, name + " moved by " + moved);
            }
        }
        assertEquals(14, adapted);
    }

    @Test
    void badRequestsAreRefusedInOneLine() throws Exception {
        assertRefused(export(whole.toString(), "--adapter", "--out", dir.resolve("x1").toString()),
                "aha export --adapter: checkpoint " + whole + " holds no LoRA adapters");
        assertRefused(export(adapters.toString(), "--out", dir.resolve("x2").toString()),
                "holds LoRA adapters (rank 4): give --adapter for PEFT's adapter files or --merge");
        assertRefused(export(adapters.toString(), "--adapter", "--merge", "--out", dir.resolve("x3").toString()),
                "give one");
        assertRefused(export(adapters.toString(), "--adapter", "--format", "gguf", "--out",
                dir.resolve("x4").toString()), "--adapter writes PEFT's files (--format hf)");
        Path other = HfModelInit.write(spec(4), dir.resolve("other-base"), null);
        assertRefused(export(adapters.toString(), "--adapter", "--base", other.toString(), "--out",
                dir.resolve("x5").toString()), "adapters were trained on another base");
        Path larger = HfModelInit.write(HfModelInit.Spec.of("qwen3", 64, 2, 4, 2, 64, 128, false, 3),
                dir.resolve("larger"), null);
        assertRefused(export(adapters.toString(), "--merge", "--base", larger.toString(), "--out",
                dir.resolve("x6").toString()), "is not the model checkpoint");
        for (String x : List.of("x1", "x2", "x3", "x4", "x5", "x6")) {
            assertFalse(Files.exists(dir.resolve(x)), "nothing written for " + x);
        }
    }

    private static void assertRefused(CliRun r, String expected) {
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
