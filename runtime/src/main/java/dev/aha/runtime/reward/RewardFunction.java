package dev.aha.runtime.reward;

/**
 * A rule-based reward of GRPO: a pure function from one completion (with its prompt and reference) to a score.
 * Implementations are stateless and thread-safe so that one instance serves a whole pool of reward actors.
 * A score is always within {@link #range()}; malformed model output scores low, it does not throw.
 */
public interface RewardFunction {
    /** A short, stable identifier used as the metric key, e.g. {@code "accuracy"}; unique within a composite. */
    String name();

    /** The documented interval of {@link #score(RewardInput)}. */
    RewardRange range();

    /** Scores one completion. */
    double score(RewardInput input);
}
