package dev.aha.protocol.pipeline;


/**
 * A lease on one prompt: sample {@code groupSize} completions of it. (promptId, attempt) names the lease; a prompt
 * re-issued after its rollout died gets a higher attempt, so a late duplicate can be told apart and dropped.
 *
 * @param promptId position of the prompt in the dispatcher's stream
 * @param attempt 0 for the first lease, +1 per re-issue
 * @param prompt the templated prompt text
 * @param referenceAnswer the bare reference answer, for the reward actors
 * @param groupSize G
 * @param minVersion the oldest policy version allowed to sample it (learner version - max-staleness at dispatch)
 * @param reward what rewards it (rule, model or both, from its dataset row), or null for the run's route
 */
public record RolloutWork(
        long promptId, int attempt, String prompt, String referenceAnswer, int groupSize, long minVersion,
        String reward) implements RolloutMessage {

    /** Work rewarded as the run's aha.reward.route says. */
    public RolloutWork(long promptId, int attempt, String prompt, String referenceAnswer, int groupSize,
            long minVersion) {
        this(promptId, attempt, prompt, referenceAnswer, groupSize, minVersion, null);
    }
}
