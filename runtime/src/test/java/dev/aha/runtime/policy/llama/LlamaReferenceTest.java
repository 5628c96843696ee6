package dev.aha.runtime.policy.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.hf.HfModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactness against an independent implementation: {@code src/test/fixtures/llama-reference/reference.py} builds tiny
 * llama (GQA, untied, attention biases, BF16 file), qwen2 (q/k/v biases, tied, F32 in two shards with an index) and
 * qwen3 (q/k norms, head_dim 24 != 64/4, tied, F16 file) models, writes them as Hugging Face directories, and
 * computes their logits for a batch of two 24-token inputs with numpy in float64, following transformers' modeling
 * code line by line. Regenerate with {@code python3 src/test/fixtures/llama-reference/reference.py} (numpy only).
 * Here each directory is loaded through the factory and its float32 logits must match within 1e-4 of the largest
 * reference logit (measured: 4-8e-7 relative).
 *
 * <p>Two more directories carry RoPE scaling: {@code llama3} (a llama configured as Llama 3.1 is, rope_scaling
 * llama3, original context 32) and {@code qwen2-yarn} (qwen2 with transformers 5's rope_parameters, yarn factor 4,
 * original context 32), over 40-token inputs. Their references use the scaled frequencies and yarn's attention factor;
 * the same weights with the scaling removed from config.json must miss them by far more than the tolerance, so the
 * match shows the scaling computed, not merely tolerated.
 *
 * <p>What this test shows is agreement with that numpy transcription of transformers' code, not with transformers
 * itself: {@code transformers_check.py} beside it runs the same inputs through transformers where torch and
 * transformers are installed (they cannot be installed on the machines this project builds on), and no output of it
 * is kept in the repository.
 */
class LlamaReferenceTest {

    private static final double RELATIVE_TOLERANCE = 1e-4;

    private NDManager base;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "llama3", "qwen2-yarn"})
    void shouldComputeTheReferenceLogits(String model) {
        double relative = relativeError(LlamaFixtures.model(model), model);
        System.out.printf("%s: relative %.3g%n", model, relative);
        assertTrue(relative <= RELATIVE_TOLERANCE, model + ": logits differ from the reference by " + relative
                + " of the largest logit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "qwen2-yarn"})
    void shouldMissTheScaledReferenceWithoutTheScaling(String model) throws IOException {
        Path plain = dir.resolve(model);
        Files.createDirectories(plain);
        try (var files = Files.list(LlamaFixtures.model(model))) {
            for (Path f : files.toList()) {
                Files.copy(f, plain.resolve(f.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(plain.resolve("config.json").toFile());
        double theta = config.has("rope_parameters") ? config.get("rope_parameters").get("rope_theta").asDouble()
                : config.get("rope_theta").asDouble();
        config.remove("rope_scaling");
        config.remove("rope_parameters");
        config.put("rope_theta", theta);
        json.writeValue(plain.resolve("config.json").toFile(), config);
        double relative = relativeError(plain, model);
        System.out.printf("%s without its RoPE scaling: relative %.3g%n", model, relative);
        assertTrue(relative > 100 * RELATIVE_TOLERANCE, model + ": plain RoPE comes within " + relative
                + " of the scaled reference: the fixture does not exercise the scaling");
    }

    /** max |logit - reference| over max |reference| for the model in {@code modelDir} on {@code model}'s input. */
    private double relativeError(Path modelDir, String model) {
        LlamaFixtures.Reference reference = LlamaFixtures.reference(model);
        HfModel hf = HfModel.open(modelDir, 128);
        try (LlamaPolicy policy = hf.create(base); NDManager scope = base.newSubManager()) {
            int b = reference.inputIds().length;
            int t = reference.inputIds()[0].length;
            float[] logits = policy.logits(scope.create(LlamaFixtures.flatten(reference.inputIds()), new Shape(b, t)))
                    .toFloatArray();
            assertArrayEquals(reference.shape(), new long[] {b, t, policy.vocabSize()});
            double scale = 0;
            double worst = 0;
            for (int i = 0; i < logits.length; i++) {
                scale = Math.max(scale, Math.abs(reference.logits()[i]));
                worst = Math.max(worst, Math.abs(logits[i] - reference.logits()[i]));
            }
            System.out.printf("%s: max |logit - reference| = %.3g, max |reference| = %.3g%n", model, worst, scale);
            return worst / scale;
        }
    }
}
