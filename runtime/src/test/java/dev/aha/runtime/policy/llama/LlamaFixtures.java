package dev.aha.runtime.policy.llama;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tiny models and reference logits under {@code src/test/fixtures/llama-reference}, made by
 * {@code reference.py} there (numpy, after transformers' modeling code; see its header for the models and how to
 * regenerate them).
 */
public final class LlamaFixtures {

    public static final Path ROOT = Path.of("src/test/fixtures/llama-reference");
    public static final String[] MODELS = {"llama", "qwen2", "qwen3"};

    private LlamaFixtures() {}

    public static Path model(String name) {
        Path dir = ROOT.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixture " + dir.toAbsolutePath() + " is missing: run "
                    + ROOT.resolve("reference.py"));
        }
        return dir;
    }

    /** The reference batch: input ids (B, T) and logits (B, T, V) flattened. */
    public record Reference(int[][] inputIds, long[] shape, float[] logits) {}

    public static Reference reference(String name) {
        try (SafetensorsFile file = SafetensorsFile.open(ROOT.resolve("expected").resolve(name + ".safetensors"))) {
            int[][] ids = new ObjectMapper().readValue(file.header().metadata().get("input_ids"), int[][].class);
            return new Reference(ids, file.entry("logits").shape(), file.readFloats("logits"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] flatten(int[][] rows) {
        int[] flat = new int[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return flat;
    }
}
