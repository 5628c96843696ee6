package dev.aha.runtime.policy.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.hf.HfModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * <p>What this test shows is agreement with that numpy transcription of transformers' code, not with transformers
 * itself: {@code transformers_check.py} beside it runs the same inputs through transformers where torch and
 * transformers are installed (they cannot be installed on the machines this project builds on), and no output of it
 * is kept in the repository.
 */
class LlamaReferenceTest {

    private static final double RELATIVE_TOLERANCE = 1e-4;

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

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void shouldComputeTheReferenceLogits(String model) {
        LlamaFixtures.Reference reference = LlamaFixtures.reference(model);
        HfModel hf = HfModel.open(LlamaFixtures.model(model), 128);
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
            System.out.printf("%s: max |logit - reference| = %.3g, max |reference| = %.3g, relative %.3g%n",
                    model, worst, scale, worst / scale);
            assertTrue(worst <= RELATIVE_TOLERANCE * scale, model + ": logits differ from the reference by " + worst
                    + " (largest logit " + scale + ")");
        }
    }
}
