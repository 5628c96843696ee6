package dev.aha.runtime.sampling;

/**
 * How a multi-turn episode ended and what it cost: the environment's reward (NaN when it leaves scoring to the
 * reward functions), its turns, its tool calls and their errors, and the time its environment took.
 *
 * @param reward the environment's reward, or NaN when it gave none
 * @param turns assistant turns the policy took
 * @param toolCalls tool calls it made
 * @param toolErrors calls that ended in an error (malformed call, unknown tool, timeout, oversized or hostile output)
 * @param environmentNanos time the environment spent answering this episode's turns
 * @param end why the episode ended
 */
public record EpisodeOutcome(double reward, int turns, int toolCalls, int toolErrors, long environmentNanos,
        End end) {

    /** Why an episode ended: only {@link #ANSWERED} is the environment ending it; the others cut it short. */
    public enum End {
        /** The environment ended it (an answer, a win, a loss). */
        ANSWERED,
        /** It reached aha.agent.max-turns. */
        MAX_TURNS,
        /** It reached aha.agent.max-tokens, a turn's sampling limit, or the context. */
        MAX_TOKENS,
        /** The environment failed (threw or timed out outside a tool call). */
        ERROR;

        /** Whether the episode was cut short rather than ended by its environment. */
        public boolean truncated() {
            return this != ANSWERED;
        }
    }

    public EpisodeOutcome {
        if (turns < 0 || toolCalls < 0 || toolErrors < 0 || toolErrors > toolCalls || environmentNanos < 0) {
            throw new IllegalArgumentException("episode figures out of range: " + turns + " turns, " + toolCalls
                    + " calls, " + toolErrors + " errors, " + environmentNanos + " ns");
        }
        if (end == null) {
            throw new IllegalArgumentException("an episode outcome needs its end");
        }
    }

    public boolean hasReward() {
        return !Double.isNaN(reward);
    }
}
