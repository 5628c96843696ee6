package dev.aha.runtime.reward;

/** The documented bounds of a reward function's scores. */
public record RewardRange(double min, double max) {

    public static final RewardRange UNIT = new RewardRange(0, 1);

    public RewardRange {
        if (!(min <= max)) {
            throw new IllegalArgumentException("reward range [" + min + ", " + max + "] is empty");
        }
    }

    public boolean contains(double score) {
        return score >= min && score <= max;
    }
}
