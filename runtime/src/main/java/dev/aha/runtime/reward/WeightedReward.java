package dev.aha.runtime.reward;

/**
 * One term of a {@link CompositeReward}: a reward function and the weight its score is multiplied by.
 * Validated by the composite, which can name the offending part in its message.
 *
 * @param function the reward function
 * @param weight   a finite, non-negative multiplier; 0 keeps the component in the breakdown without affecting the total
 */
public record WeightedReward(RewardFunction function, double weight) {
}
