package dev.aha.protocol.telemetry;

import dev.aha.protocol.AhaMessage;

/**
 * One node's own figures, sent to the seed so that its dashboard shows the whole cluster: what the node's rollouts
 * sampled and its reward actors scored.
 *
 * @param node the node's Artery address, host:port
 * @param roles the node's roles, comma-separated
 * @param groupsSampled groups its rollouts finished sampling
 * @param sampledTokens completion tokens its rollouts sampled
 * @param samplingSeconds seconds its rollouts spent in decode steps
 * @param groupsScored groups its reward actors scored
 * @param rewardFailures completions whose reward function threw there
 * @param rolloutVersion the newest policy version its rollouts sample with (-1: none yet)
 * @param episodes multi-turn episodes its rollouts finished (0 for a single-turn task)
 * @param episodeTurns assistant turns of those episodes
 * @param toolCalls tool calls of those episodes
 * @param toolErrors those calls that ended in an error
 */
public record NodeReport(String node, String roles, long groupsSampled, long sampledTokens, double samplingSeconds,
        long groupsScored, long rewardFailures, long rolloutVersion, long episodes, long episodeTurns, long toolCalls,
        long toolErrors) implements AhaMessage {

    /** Null when the report is usable; else what is wrong with it (it came from another node: checked, not trusted). */
    public String problem() {
        if (node == null || node.isBlank() || node.length() > 300 || roles == null || roles.length() > 300) {
            return "node report without a sane node address or roles";
        }
        if (groupsSampled < 0 || sampledTokens < 0 || groupsScored < 0 || rewardFailures < 0
                || !(samplingSeconds >= 0) || rolloutVersion < -1 || episodes < 0 || episodeTurns < 0 || toolCalls < 0
                || toolErrors < 0) {
            return "node report of " + node + " with a negative or non-finite count";
        }
        return null;
    }
}
