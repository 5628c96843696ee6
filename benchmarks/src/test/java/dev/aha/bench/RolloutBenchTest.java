package dev.aha.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code aha bench rollout} on a small model of the Qwen3 family: every point against its roofline and llama.cpp. */
class RolloutBenchTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new RolloutBench());
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void everyPointHasItsRooflineAndLlamaCppSaysWhetherItRan(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("rollout.json");
        assertEquals(0, run("--shape", "tiny-qwen3", "--sequences", "1,3", "--prompt-tokens", "5", "--new-tokens",
                "4", "--dtypes", "bf16,f32", "--repeats", "1", "--out", out.toString()), err.toString());
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        assertEquals(4, r.path("points").size(), r.toString());
        for (JsonNode p : r.path("points")) {
            double generated = p.path("generated_tokens_per_second").asDouble();
            double roof = p.path("roofline_generated_tokens_per_second").asDouble();
            assertTrue(generated > 0 && roof > 0, p.toString());
            assertEquals(generated / roof, p.path("fraction_of_roofline").asDouble(), 1e-9);
            assertTrue(p.path("prefill_tokens_per_second").asDouble() > 0, p.toString());
        }
        assertTrue(r.path("read_bandwidth_bytes_per_second").asDouble() > 0);
        assertTrue(r.path("matmul_peak_flops").path("f32").asDouble() > 0);
        assertTrue(r.path("matmul_peak_flops").path("bf16").asDouble() > 0);
        BlasBenchTest.assertBlasSection(r.path("blas"));
        String status = r.path("llama_cpp").path("status").asText();
        if (status.equals("compared")) {
            for (JsonNode p : r.path("points")) {
                assertTrue(p.path("llama_cpp").path("generated_tokens_per_second").asDouble() > 0, p.toString());
                assertTrue(p.path("aha_over_llama_cpp_generated").asDouble() > 0, p.toString());
            }
        } else {
            assertTrue(status.startsWith("missing: "), status);
            System.err.println("SKIPPED (llama.cpp side of aha bench rollout): " + status);
        }
    }

    /** bf16 and f16 both face llama.cpp's f16 file: the default dtypes (bf16,f16,f32) run in one go. */
    @Test
    void bf16AndF16ShareLlamaCppsF16File(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("rollout.json");
        assertEquals(0, run("--shape", "tiny-qwen3", "--sequences", "1", "--prompt-tokens", "3", "--new-tokens", "3",
                "--dtypes", "bf16,f16", "--repeats", "1", "--out", out.toString()), err.toString());
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        assertEquals(2, r.path("points").size(), r.toString());
        String status = r.path("llama_cpp").path("status").asText();
        if (status.equals("compared")) {
            for (JsonNode p : r.path("points")) {
                assertTrue(p.path("llama_cpp").path("generated_tokens_per_second").asDouble() > 0, p.toString());
            }
        } else {
            System.err.println("SKIPPED (llama.cpp side of aha bench rollout): " + status);
        }
    }

    @Test
    void underLoraEachWayOfApplyingTheAdaptersIsMeasuredWithTheTimeOfANewVersion(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("rollout.json");
        assertEquals(0, run("--shape", "tiny-qwen3", "--lora", "4", "--lora-apply", "merged,unmerged", "--sequences",
                "2", "--prompt-tokens", "3", "--new-tokens", "3", "--dtypes", "f32", "--repeats", "1", "--out",
                out.toString()), err.toString());
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        assertEquals("merged", r.path("points").get(0).path("lora_apply").asText(), r.toString());
        assertEquals("unmerged", r.path("points").get(1).path("lora_apply").asText());
        assertTrue(r.path("points").get(1).path("generated_tokens_per_second").asDouble() > 0);
        // A [4, in] and B [out, 4] on q, k, v, o, gate, up and down of 2 layers of hidden 64, 4 heads of 16 over 2
        // KV heads, MLP 96
        assertEquals(2 * 4 * (64 + 64 + 2 * (64 + 32) + 64 + 64 + 2 * (64 + 96) + 96 + 64) * 4,
                r.path("lora").path("adapter_bytes").asLong());
        assertTrue(r.path("lora").path("apply_seconds").path("f32_merged").path("median").asDouble() > 0, r.toString());
        assertTrue(r.path("llama_cpp").path("status").asText().startsWith("off (--lora"));
    }

    @Test
    void anUnknownShapeOrDtypeIsRefusedWithTheKnownOnesInOneLine() {
        assertNotEquals(0, run("--shape", "gpt-5"));
        assertTrue(err.toString().contains("unknown --shape 'gpt-5': known shapes are qwen2.5-0.5b,"), err.toString());
        assertNotEquals(0, run("--shape", "tiny-qwen3", "--dtypes", "f8"));
        assertTrue(err.toString().contains("must be f32, f16 or bf16, was 'f8'"), err.toString());
        assertNotEquals(0, run("--shape", "tiny-qwen3", "--llama-cpp", "maybe"));
        assertTrue(err.toString().contains("--llama-cpp must be auto or off, was 'maybe'"), err.toString());
        assertNotEquals(0, run("--shape", "tiny-qwen3", "--lora", "4", "--lora-apply", "sideways"));
        assertTrue(err.toString().contains("--lora-apply takes none, merged or unmerged, was 'sideways'"),
                err.toString());
        assertNotEquals(0, run("--shape", "tiny-qwen3", "--new-tokens", "1"));
        assertTrue(err.toString().contains("--new-tokens at least 2"), err.toString());
    }

    /** A model whose 300 embedding rows no bundled vocabulary fits: llama.cpp is left out, saying why. */
    @Test
    void aModelWithoutAVocabularyForItsGgufIsComparedWithNothingAndSaysSo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("rollout.json");
        assertEquals(0, run("--model", "../runtime/src/test/fixtures/llama-reference/qwen3", "--sequences", "2",
                "--prompt-tokens", "3", "--new-tokens", "3", "--dtypes", "f32", "--repeats", "1", "--out",
                out.toString()), err.toString());
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        String status = r.path("llama_cpp").path("status").asText();
        assertTrue(status.startsWith("skipped: the GGUF file needs a vocabulary that fits the model's 300 embedding "
                + "rows") || status.startsWith("missing: "), status);
        assertTrue(r.path("points").get(0).path("llama_cpp").isMissingNode(), r.toString());
    }
}
