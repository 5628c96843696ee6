package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.policy.llama.LlamaFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactness against {@code src/test/fixtures/reward-reference/reference.py}: tiny random qwen2, qwen3 and llama
 * sequence classifiers and their pooled scores, computed in numpy after transformers' *ForSequenceClassification
 * (see the script's header), on rows with no padding, right padding, a pad token inside the sequence, and left
 * padding. Loaded through {@link RewardModelSources}, the float32 scores must match within 1e-4 absolute.
 */
class RewardModelReferenceTest {

    private static final Path ROOT = Path.of("src/test/fixtures/reward-reference");
    private static final double TOLERANCE = 1e-4;

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

    private record Reference(int[][] inputIds, long[] shape, float[] scores) {}

    private static Reference reference(String name) {
        try (SafetensorsFile file = SafetensorsFile.open(ROOT.resolve("expected").resolve(name + ".safetensors"))) {
            int[][] ids = new ObjectMapper().readValue(file.header().metadata().get("input_ids"), int[][].class);
            return new Reference(ids, file.entry("scores").shape(), file.readFloats("scores"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "qwen3", "llama"})
    void shouldComputeTheReferenceScores(String name) {
        Reference reference = reference(name);
        RewardModelSource source = RewardModelSources.open(ROOT.resolve(name), 128, null);
        assertTrue(source.hasScoreHead());
        assertEquals(0, source.padTokenId());
        try (RewardModel model = source.create(base, 1); NDManager scope = base.newSubManager()) {
            int b = reference.inputIds().length;
            int t = reference.inputIds()[0].length;
            float[] scores = model.scores(scope.create(LlamaFixtures.flatten(reference.inputIds()), new Shape(b, t)))
                    .toFloatArray();
            assertArrayEquals(reference.shape(), new long[] {b, model.numLabels()});
            double worst = 0;
            for (int i = 0; i < scores.length; i++) {
                worst = Math.max(worst, Math.abs(scores[i] - reference.scores()[i]));
            }
            System.out.printf("%s: max |score - reference| = %.3g%n", name, worst);
            assertTrue(worst <= TOLERANCE, name + ": scores differ from the reference by " + worst);
        }
    }

    /** Unpadded rows scored one batch at a time are read where the padded reference batch reads them. */
    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "qwen3"})
    void shouldGiveTheSameRewardsToUnpaddedRows(String name) {
        Reference reference = reference(name);
        List<int[]> rows = new ArrayList<>();
        for (int[] row : reference.inputIds()) {
            int end = row.length;
            while (end > 1 && row[end - 1] == 0) {
                end--;
            }
            rows.add(Arrays.copyOf(row, end));
        }
        try (RewardModel model = RewardModelSources.openForScoring(ROOT.resolve(name), 128).create(base, 1)) {
            float[] rewards = model.rewards(rows);
            for (int i = 0; i < rewards.length; i++) {
                assertEquals(reference.scores()[i], rewards[i], TOLERANCE, name + " row " + i);
            }
        }
    }

    @Test
    void shouldReadTheLastTokenAsTransformersDoes() {
        assertEquals(3, RewardModel.lastTokenIndex(new int[] {5, 0, 7, 9, 0, 0}, 0));
        assertEquals(0, RewardModel.lastTokenIndex(new int[] {0, 0}, 0));
        assertEquals(2, RewardModel.lastTokenIndex(new int[] {0, 0, 4}, 0));
        assertEquals(5, RewardModel.lastTokenIndex(new int[] {5, 0, 7, 9, 0, 0}, null));
    }
}
