package dev.aha.runtime.task;

import dev.aha.runtime.chat.Conversation;

/**
 * One problem to roll out.
 *
 * @param id stable across runs (see each task for its form)
 * @param question the raw problem, before templating
 * @param referenceAnswer the bare final answer the accuracy reward compares against ("18")
 * @param solution a worked solution in the think/answer format for SFT, or null if the source has none
 * @param reward what rewards it: {@code rule}, {@code model} or {@code both} (its row's {@code reward} field), or
 *     null for the run's aha.reward.route
 * @param trace the worked solution as a multi-turn conversation (the question, the assistant's turns and the
 *     observations between them), which SFT trains on instead of {@code solution}, the observations masked; null for
 *     a single-turn solution
 */
public record TaskPrompt(String id, String question, String referenceAnswer, String solution, String reward,
        Conversation trace) {

    public TaskPrompt {
        if (id == null || question == null || referenceAnswer == null) {
            throw new IllegalArgumentException("id, question and referenceAnswer must be set");
        }
        if (reward != null && !ROUTES.contains(reward)) {
            throw new IllegalArgumentException("reward must be rule, model or both, was '" + reward + "'");
        }
    }

    /** A prompt with a single-turn solution. */
    public TaskPrompt(String id, String question, String referenceAnswer, String solution, String reward) {
        this(id, question, referenceAnswer, solution, reward, null);
    }

    /** The values of {@code reward}. */
    public static final java.util.Set<String> ROUTES = java.util.Set.of("rule", "model", "both");

    /** A prompt rewarded as the run's aha.reward.route says. */
    public TaskPrompt(String id, String question, String referenceAnswer, String solution) {
        this(id, question, referenceAnswer, solution, null);
    }

    /** Whether its own route sends it to the reward model. */
    public boolean routedToModel() {
        return "model".equals(reward) || "both".equals(reward);
    }
}
