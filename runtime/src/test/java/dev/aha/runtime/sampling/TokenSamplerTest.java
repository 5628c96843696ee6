package dev.aha.runtime.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.engine.ComputeThreads;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, -1.0f, 0.0f};

    /** Frequencies of 20,000 draws (4 rows x 5,000) against softmax(logits / T), and the log-probs returned. */
    @Test
    void drawsFromTheTemperedDistributionAndReportsItsLogProbs() {
        ComputeThreads.prepare(1);
        float temperature = 0.7f;
        double[] expected = softmax(LOGITS, temperature);
        int[] counts = new int[LOGITS.length];
        TokenSampler sampler = new TokenSampler(new SamplingSettings(temperature, 1f, 16));
        Random rng = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 5000; i++) {
                try (NDManager scope = m.newSubManager()) {
                    NDArray logits = scope.create(rows(4), new Shape(4, LOGITS.length));
                    TokenSampler.Draw d = sampler.sample(logits, rng);
                    for (int r = 0; r < 4; r++) {
                        counts[d.tokens()[r]]++;
                        assertEquals(Math.log(expected[d.tokens()[r]]), d.logProbs()[r], 1e-5);
                    }
                }
            }
        }
        for (int v = 0; v < LOGITS.length; v++) {
            assertEquals(expected[v], counts[v] / 20000.0, 0.012, "token " + v);
        }
    }

    @Test
    void keepsToTheNucleusAndIsGreedyAtTemperatureZero() {
        ComputeThreads.prepare(1);
        double[] p = softmax(LOGITS, 1f); // 0.48, 0.18, 0.11, 0.02, 0.07: top-p 0.6 keeps tokens 0 and 1
        assertTrue(p[0] < 0.6 && p[0] + p[1] >= 0.6);
        TokenSampler nucleus = new TokenSampler(new SamplingSettings(1f, 0.6f, 16));
        TokenSampler greedy = new TokenSampler(new SamplingSettings(0f, 1f, 16));
        Random rng = new Random(5);
        int first = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 2000; i++) {
                try (NDManager scope = m.newSubManager()) {
                    int t = nucleus.sample(scope.create(rows(1), new Shape(1, LOGITS.length)), rng).tokens()[0];
                    assertTrue(t == 0 || t == 1, "drew " + t + " outside the nucleus");
                    first += t == 0 ? 1 : 0;
                    assertEquals(0, greedy.sample(scope.create(rows(1), new Shape(1, LOGITS.length)), rng).tokens()[0]);
                }
            }
        }
        assertEquals(p[0] / (p[0] + p[1]), first / 2000.0, 0.035, "renormalised within the nucleus");
    }

    private static float[] rows(int n) {
        float[] all = new float[n * LOGITS.length];
        for (int r = 0; r < n; r++) {
            System.arraycopy(LOGITS, 0, all, r * LOGITS.length, LOGITS.length);
        }
        return all;
    }

    private static double[] softmax(float[] logits, float temperature) {
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
