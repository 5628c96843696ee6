package dev.aha.runtime.reward;

/**
 * The closed interval a reward function's score lies in. Callers use it to scale charts and to sanity-check scores;
 * a composite derives its own range from its parts'.
 *
 * @param min the lowest possible score
 * @param max the highest possible score, at least {@code min}
 */
public record RewardRange(double min, double max) {
    /** The range of a pass/fail or share-of-something reward. */
    public static final RewardRange UNIT = new RewardRange(0.0, 1.0);

    public RewardRange {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("reward range needs finite min <= max, got [" + min + ", " + max + "]");
        }
    }

    /** Whether {@code score} lies in this range, ends included. */
    public boolean contains(double score) {
        return score >= min && score <= max;
    }
}
