package dev.aha.runtime.reward;

/**
 * A rule-based reward, as R1 trains with: no learned reward model, so nothing to hack but the rule itself.
 * Implementations are stateless and thread-safe; a reward actor calls them from its own thread.
 */
public interface RewardFunction {

    /** Short key used in metrics and in {@code aha score}'s output ("accuracy", "format", "language"). */
    String name();

    /** The bounds every {@link #score} stays within. */
    RewardRange range();

    double score(RewardInput input);
}
