package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.bench.llamacpp.LlamaCpp;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.gguf.GgufReader;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.policy.hf.TensorBytes;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import dev.aha.runtime.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aha export --format gguf} as a user runs it: a tiny model trained a few SFT steps (so greedy decoding no
 * longer repeats one token) is exported, and llama.cpp, reading the file, greedily decodes exactly the tokens
 * {@code aha generate --greedy} decodes from the checkpoint for the same prompt ids. Where node-llama-cpp is not
 * installed those checks are skipped, saying so on stderr and in the report.
 */
class GgufExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TOKENIZER_IDS = 151_669; // the Qwen3 tokenizer's ids; the embedding has 151,680 rows
    private static final int[] END_IDS = {151_645}; // <|im_end|>: what ends Aha's completions with this tokenizer
    private static final String PROMPT = "Count:";

    @TempDir
    static Path dir;

    /** init-model with the real Qwen3 tokenizer, then a few SFT steps: the checkpoint folder. */
    private static Path trained(String architecture, String... shape) throws Exception {
        Path model = dir.resolve(architecture + "-model");
        Path sft = dir.resolve(architecture + "-sft");
        if (Files.exists(sft)) {
            return sft;
        }
        List<String> init = new java.util.ArrayList<>(List.of("init-model", "--architecture", architecture,
                "--tokenizer", TestData.tokenizer("qwen3").toString(), "--seed", "3", "--out", model.toString()));
        init.addAll(List.of(shape));
        CliRun made = CliRun.of(init.toArray(String[]::new));
        assertEquals(0, made.code(), made.err());
        // One short text learnt by heart: greedy decoding then follows it, many different tokens long.
        Path data = Files.writeString(dir.resolve("count.jsonl"), "{\"prompt\": \"" + PROMPT + "\", \"completion\":"
                + " \" one two three four five six seven eight nine ten\"}\n");
        Path conf = Files.writeString(dir.resolve(architecture + ".conf"), "aha.train.cold-start.batch-size = 2\n"
                + "aha.train.cold-start.learning-rate = 1e-2\n");
        CliRun trained = CliRun.of("sft", "--model", model.toString(), "--data", data.toString(), "--steps", "20",
                "--seed", "2", "--out", sft.toString(), "--config", conf.toString());
        assertEquals(0, trained.code(), trained.err());
        return sft;
    }

    private static Path qwen3() throws Exception {
        return trained("qwen3", "--hidden", "32", "--layers", "2", "--heads", "2", "--kv-heads", "1",
                "--head-dim", "16", "--intermediate", "64");
    }

    private static Path export(Path checkpoint, String name, String... more) {
        Path out = dir.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("export", "--checkpoint", checkpoint.toString(),
                "--format", "gguf", "--out", out.toString()));
        args.addAll(List.of(more));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return out;
    }

    /** {@code aha generate --greedy --json}: the prompt's ids and the greedy completion's. */
    private static int[][] ahaGreedy(Path checkpoint, String prompt, int tokens) throws Exception {
        CliRun r = CliRun.of("generate", "--checkpoint", checkpoint.toString(), "--prompt", prompt, "--greedy",
                "--json", "--max-new-tokens", Integer.toString(tokens));
        assertEquals(0, r.code(), r.err());
        JsonNode out = JSON.readTree(r.out());
        return new int[][] {ids(out.get("prompt_ids")), ids(out.get("ids"))};
    }

    @Test
    void theFileHoldsTheCheckpointsWeightsUnderItsOwnName() throws Exception {
        Path checkpoint = qwen3();
        Path file = export(checkpoint, "tiny-q3.gguf");
        GgufReader r = GgufReader.read(file);
        assertEquals("tiny-q3", r.metadata.get("general.name"), "the file's name without .gguf");
        assertEquals("qwen3", r.metadata.get("general.architecture"));
        assertEquals(0L, r.metadata.get("general.file_type"), "f32 by default");
        ComputeThreads.prepare(1);
        Path resolved = CheckpointStore.resolve(checkpoint);
        HfModel model = HfModel.fromDescription(CheckpointStore.policyDescription(resolved).orElseThrow());
        try (NDManager m = NDManager.newBaseManager(); LlamaPolicy policy = model.blank(m)) {
            CheckpointStore.load(resolved, policy, null);
            PolicyParameter embed = policy.parameters().get(0);
            float[] trainedEmbedding = new float[Math.toIntExact(embed.elementCount())];
            TensorBytes.read(embed.array(), bytes -> bytes.asFloatBuffer().get(trainedEmbedding));
            assertArrayEquals(trainedEmbedding, r.floats("token_embd.weight"), "bit-exact in f32");
        }
        GgufReader q8 = GgufReader.read(export(checkpoint, "tiny-q3-q8.gguf", "--dtype", "q8_0"));
        assertEquals(7L, q8.metadata.get("general.file_type"), "MOSTLY_Q8_0");
        assertEquals(8, q8.tensors.get("blk.0.ffn_down.weight").type(), "Q8_0");
    }

    @Test
    void llamaCppDecodesTheQwen3ExportAsAhaDoes() throws Exception {
        LlamaCpp llamaCpp = installedOrSkip();
        Path checkpoint = qwen3();
        assertSameGreedy(llamaCpp, checkpoint, export(checkpoint, "parity-q3.gguf"));
        int[][] aha = ahaGreedy(checkpoint, PROMPT, 6);
        int[] fromQ8 = llamaCpp.greedy(export(checkpoint, "parity-q3-q8.gguf", "--dtype", "q8_0"), aha[0], 6,
                TOKENIZER_IDS, END_IDS);
        assertTrue(fromQ8.length >= 1, "the q8_0 file loads and decodes");
    }

    @Test
    void llamaCppDecodesTheLlamaExportAsAhaDoesThroughTheQueryKeyPermutation() throws Exception {
        LlamaCpp llamaCpp = installedOrSkip();
        Path checkpoint = trained("llama", "--hidden", "32", "--layers", "2", "--heads", "4", "--kv-heads", "2",
                "--intermediate", "64", "--untied");
        assertSameGreedy(llamaCpp, checkpoint, export(checkpoint, "parity-llama.gguf"));
    }

    private static void assertSameGreedy(LlamaCpp llamaCpp, Path checkpoint, Path gguf) throws Exception {
        for (String prompt : List.of(PROMPT, "Count: one two")) {
            int[][] aha = ahaGreedy(checkpoint, prompt, 12);
            assertTrue(Arrays.stream(aha[1]).distinct().count() > 1, "trained enough not to repeat one token: "
                    + Arrays.toString(aha[1]));
            int[] llama = llamaCpp.greedy(gguf, aha[0], aha[1].length, TOKENIZER_IDS, END_IDS);
            assertArrayEquals(aha[1], llama, "prompt " + prompt + " (ids " + Arrays.toString(aha[0]) + ")");
        }
    }

    @Test
    void refusesInOneLine() throws Exception {
        Path checkpoint = qwen3();
        assertRefused("--format must be hf or gguf, was 'onnx'", "export", "--checkpoint", checkpoint.toString(),
                "--format", "onnx", "--out", dir.resolve("x").toString());
        assertRefused("--dtype must be f32 or bf16 for --format hf, was 'q8_0' (f16 and q8_0 are for --format gguf)",
                "export", "--checkpoint", checkpoint.toString(), "--dtype", "q8_0", "--out",
                dir.resolve("x").toString());
        assertRefused("GGUF tensor type must be f32, f16, bf16 or q8_0, was 'q4_k'", "export", "--checkpoint",
                checkpoint.toString(), "--format", "gguf", "--dtype", "q4_k", "--out", dir.resolve("x").toString());
        Path taken = Files.writeString(dir.resolve("taken.gguf"), "x");
        assertRefused("taken.gguf exists: give a new file name", "export", "--checkpoint", checkpoint.toString(),
                "--format", "gguf", "--out", taken.toString());
        assertRefused("has no tokenizer.json: a GGUF file carries its vocabulary", "export", "--checkpoint",
                checkpoint.toString(), "--format", "gguf", "--tokenizer", dir.toString(), "--out",
                dir.resolve("y.gguf").toString());

        Path charModel = dir.resolve("char-model");
        assertEquals(0, CliRun.of("init-model", "--architecture", "qwen3", "--hidden", "8", "--layers", "1",
                "--heads", "1", "--head-dim", "8", "--intermediate", "16", "--vocab", "128", "--out",
                charModel.toString()).code());
        Path charRun = dir.resolve("char-sft");
        CliRun trained = CliRun.of("sft", "--model", charModel.toString(), "--task", "arithmetic", "--steps", "1",
                "--out", charRun.toString(), "--config", Files.writeString(dir.resolve("one.conf"),
                        "aha.train.cold-start.batch-size = 2").toString());
        assertEquals(0, trained.code(), trained.err());
        assertRefused("records no Hugging Face tokenizer: give --tokenizer DIR", "export", "--checkpoint",
                charRun.toString(), "--format", "gguf", "--out", dir.resolve("z.gguf").toString());
    }

    private static void assertRefused(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(1, r.code(), "exit 1 for " + String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static LlamaCpp installedOrSkip() {
        LlamaCpp.Located located = LlamaCpp.locate(Duration.ofMinutes(2));
        if (located.llamaCpp().isEmpty()) {
            System.err.println("SKIPPED (llama.cpp parity of the GGUF export): " + located.missing());
        }
        Assumptions.assumeTrue(located.llamaCpp().isPresent(),
                () -> "llama.cpp parity of the GGUF export: " + located.missing());
        return located.get();
    }

    private static int[] ids(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
