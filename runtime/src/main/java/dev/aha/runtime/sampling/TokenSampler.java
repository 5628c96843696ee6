package dev.aha.runtime.sampling;

import java.util.Arrays;
import java.util.Random;

/**
 * Draws one token from a row of logits with temperature and top-p, in plain Java with the caller's seeded RNG:
 * the engine's RNG is global across threads, so rollouts would not be reproducible with it, and the vocabulary of
 * the built-in models is small enough that this costs microseconds.
 */
final class TokenSampler {

    private final SamplingSettings settings;
    private final double[] probs;
    private final Integer[] order;

    TokenSampler(SamplingSettings settings, int vocabSize) {
        this.settings = settings;
        this.probs = new double[vocabSize];
        this.order = new Integer[vocabSize];
    }

    /** Returns the drawn token and writes its log-prob (under the tempered distribution) to {@code logProbOut[0]}. */
    int sample(float[] logits, int offset, Random rng, float[] logProbOut) {
        int v = probs.length;
        double scale = settings.greedy() ? 1.0 : 1.0 / settings.temperature();
        double max = Double.NEGATIVE_INFINITY;
        int argMax = 0;
        for (int i = 0; i < v; i++) {
            double z = logits[offset + i] * scale;
            probs[i] = z;
            if (z > max) {
                max = z;
                argMax = i;
            }
        }
        double sum = 0;
        for (int i = 0; i < v; i++) {
            probs[i] = Math.exp(probs[i] - max);
            sum += probs[i];
        }
        double logSum = Math.log(sum) + max;
        int token = settings.greedy() ? argMax : draw(sum, rng);
        logProbOut[0] = (float) (logits[offset + token] * scale - logSum);
        return token;
    }

    private int draw(double sum, Random rng) {
        int v = probs.length;
        if (settings.topP() >= 1f) {
            double u = rng.nextDouble() * sum;
            double acc = 0;
            for (int i = 0; i < v; i++) {
                acc += probs[i];
                if (u < acc) {
                    return i;
                }
            }
            return v - 1;
        }
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        double threshold = settings.topP() * sum;
        double kept = 0;
        int n = 0;
        while (n < v && kept < threshold) {
            kept += probs[order[n++]];
        }
        double u = rng.nextDouble() * kept;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += probs[order[i]];
            if (u < acc) {
                return order[i];
            }
        }
        return order[n - 1];
    }
}
