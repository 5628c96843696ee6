package dev.aha.runtime.rm;

import java.util.concurrent.CompletableFuture;

/**
 * A reward that is not a rule: a reward model ({@link ModelReward}) or an LLM judge ({@link JudgeReward}), hosted
 * once per reward node on a thread of its own. Which prompts it scores is {@link #route}'s to say, or each row's.
 */
public interface LearnedReward extends AutoCloseable {

    /**
     * Its part of each completion's reward, and why a completion could not be scored (then its part is 0).
     *
     * @param failures per completion, null where it was scored
     */
    record Scores(double[] parts, String[] failures) {

        /** Every completion scored. */
        public static Scores of(double[] parts) {
            return new Scores(parts, new String[parts.length]);
        }
    }

    /** What rewards a prompt whose row names no route (aha.reward.route). */
    RewardRoute route();

    /** Scores {@code completions} of {@code prompt} off the caller's thread. */
    CompletableFuture<Scores> score(String prompt, String[] completions);

    @Override
    void close();
}
