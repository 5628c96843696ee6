package dev.aha.runtime.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Draws one token per row of logits with temperature and top-p, on the policy's device: a real vocabulary has
 * ~150k entries, so the softmax, the cumulative sum and the search stay vectorised in the engine and only B ids and
 * B log-probs come back. The randomness is one uniform per row from the caller's seeded Java RNG (the engine's RNG
 * is global across threads, so rollouts would not be reproducible with it); inverse-CDF sampling turns it into a
 * draw from exactly the tempered (and truncated) distribution.
 */
public final class TokenSampler {

    /** The drawn ids and their log-probs under the tempered, untruncated distribution (what GRPO's ratio uses). */
    public record Draw(int[] tokens, float[] logProbs) {}

    private final SamplingSettings settings;

    public TokenSampler(SamplingSettings settings) {
        this.settings = settings;
    }

    /**
     * @param logits (B, V); every temporary lands in its manager
     * @param rng consumed once per row, whatever the row's outcome, so a seed fixes the whole group
     */
    Draw sample(NDArray logits, Random rng) {
        int rows = Math.toIntExact(logits.getShape().get(0));
        float[] u = new float[rows];
        for (int i = 0; i < rows; i++) {
            u[i] = rng.nextFloat();
        }
        return sample(logits, u);
    }

    /**
     * @param logits (B, V); every temporary lands in its manager
     * @param uniforms one uniform in [0, 1) per row (unused when greedy): each row may draw from its own RNG
     */
    public Draw sample(NDArray logits, float[] uniforms) {
        int rows = Math.toIntExact(logits.getShape().get(0));
        if (uniforms.length != rows) {
            throw new IllegalArgumentException(uniforms.length + " uniforms for " + rows + " rows");
        }
        // x / 1 is x to the bit: at temperature 1 the division is skipped, not computed.
        boolean scaled = !settings.greedy() && settings.temperature() != 1f;
        NDArray logProbs = (scaled ? logits.div(settings.temperature()) : logits).logSoftmax(-1);
        NDArray tokens;
        if (settings.greedy()) {
            tokens = logProbs.argMax(-1);
        } else if (settings.topP() >= 1f) {
            tokens = inverseCdf(logProbs.exp(), logits.getManager().create(uniforms, new Shape(rows, 1)));
        } else {
            tokens = nucleus(logProbs, logits.getManager().create(uniforms, new Shape(rows, 1)));
        }
        NDArray ids = tokens.toType(DataType.INT64, false).reshape(rows, 1);
        float[] lp = logProbs.gather(ids, 1).toFloatArray();
        long[] drawn = ids.toLongArray();
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = Math.toIntExact(drawn[i]);
        }
        return new Draw(out, lp);
    }

    /** Index of the first cumulative probability reaching u x total, per row: (B,) ids. */
    private static NDArray inverseCdf(NDArray probs, NDArray u) {
        NDArray cdf = probs.cumSum(1);
        long v = probs.getShape().get(1);
        NDArray total = cdf.get(":, -1:"); // about 1, exactly what the float cumulative sum reached
        // Clamp: u x total can equal the total when u rounds to 1, and no cdf entry is then below it but the last.
        return cdf.lt(u.mul(total)).sum(new int[] {1}).minimum(v - 1);
    }

    /**
     * Top-p: sort descending, keep the shortest prefix whose mass reaches top-p (a token is kept while the mass
     * before it is below the threshold), draw within it, map back to vocabulary ids.
     */
    private NDArray nucleus(NDArray logProbs, NDArray u) {
        NDArray order = logProbs.argSort(1, false);
        NDArray sorted = logProbs.exp().gather(order, 1);
        NDArray before = sorted.cumSum(1).sub(sorted);
        NDArray kept = sorted.mul(before.lt(settings.topP()).toType(DataType.FLOAT32, false));
        NDArray position = inverseCdf(kept, u).toType(DataType.INT64, false).reshape(-1, 1);
        return order.gather(position, 1).reshape(-1);
    }
}
