package dev.aha.runtime.reward;

/** One part of a {@link CompositeReward}: a function and its weight in the total. */
public record WeightedReward(RewardFunction function, double weight) {

    public WeightedReward {
        if (function == null) {
            throw new IllegalArgumentException("reward function must be set");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(
                    "weight of reward '" + function.name() + "' must be finite and >= 0, was " + weight);
        }
    }
}
