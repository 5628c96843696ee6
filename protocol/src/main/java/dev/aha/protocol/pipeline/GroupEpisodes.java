package dev.aha.protocol.pipeline;

/**
 * How the episodes of a multi-turn group went, one entry per completion.
 *
 * @param rewards the environment's reward of each episode, NaN where it left scoring to the reward functions
 * @param turns assistant turns of each episode
 * @param toolCalls tool calls of each episode
 * @param toolErrors tool calls that ended in an error, per episode
 * @param cut whether each episode was cut short (turn, token or context limit, or an environment error)
 * @param environmentNanos time the group's environments spent answering, all episodes together
 */
public record GroupEpisodes(double[] rewards, int[] turns, int[] toolCalls, int[] toolErrors, boolean[] cut,
        long environmentNanos) {

    public GroupEpisodes {
        int g = rewards.length;
        if (turns.length != g || toolCalls.length != g || toolErrors.length != g || cut.length != g) {
            throw new IllegalArgumentException("a group's episode figures need one entry per completion");
        }
    }

    public int size() {
        return rewards.length;
    }
}
