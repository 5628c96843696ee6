package dev.aha.protocol.pipeline;


/**
 * G completions of one prompt as a rollout sampled them, streamed on as soon as the group is done.
 *
 * @param promptId the lease's prompt
 * @param attempt the lease's attempt
 * @param rolloutId which rollout sampled it
 * @param policyVersion the version of the weights that sampled its oldest token (pi_old; under in-flight weight
 *     updates later tokens may come from newer versions, see {@code versionSpans}): its staleness counts from here
 * @param prompt the templated prompt text
 * @param referenceAnswer the bare reference answer
 * @param promptTokens the prompt's token ids
 * @param completions each completion's token ids (end token included when drawn)
 * @param behaviourLogProbs log pi_old of each completion token, recorded at sampling time
 * @param completionTexts each completion decoded, for the reward actors
 * @param truncated whether each completion was cut at the length limit rather than ended by its end token (DAPO's
 *     overlong filtering leaves those out of the loss)
 * @param sampledAtMicros wall-clock time the group was finished (epoch microseconds), for sample-to-use latency
 * @param weightsReceivedMicros wall-clock time the rollout's node received version {@code policyVersion} (epoch
 *     microseconds), for weight-sync latency
 * @param samplingNanos time the rollout spent sampling it, for its busy fraction
 * @param versionSpans per completion, the versions that sampled it as (version, first token index) pairs in order;
 *     an empty row means every token came from {@code policyVersion} (the common case, so nothing is sent)
 * @param policyTokens per completion, one flag per token, true where the policy sampled it; an empty row means every
 *     token is the policy's (single-turn). In a multi-turn episode the observations are not, and only the policy's
 *     tokens are trained
 * @param episodes how each completion's episode went, or null for a single-turn group
 * @param reward what rewards it (rule, model or both, from its dataset row), or null for the run's route
 */
public record SampledGroup(
        long promptId,
        int attempt,
        String rolloutId,
        long policyVersion,
        String prompt,
        String referenceAnswer,
        int[] promptTokens,
        int[][] completions,
        float[][] behaviourLogProbs,
        String[] completionTexts,
        boolean[] truncated,
        long sampledAtMicros,
        long weightsReceivedMicros,
        long samplingNanos,
        long[][] versionSpans,
        boolean[][] policyTokens,
        GroupEpisodes episodes,
        String reward) implements RewardMessage {

    public SampledGroup {
        if (completions.length != behaviourLogProbs.length || completions.length != completionTexts.length
                || truncated == null || completions.length != truncated.length
                || versionSpans == null || completions.length != versionSpans.length
                || policyTokens == null || completions.length != policyTokens.length
                || (episodes != null && episodes.size() != completions.length)) {
            throw new IllegalArgumentException("a group needs as many log-prob rows, texts, truncation flags, version "
                    + "spans, policy-token rows (and episodes) as completions");
        }
    }

    /** An episode group rewarded as the run's route says. */
    public SampledGroup(long promptId, int attempt, String rolloutId, long policyVersion, String prompt,
            String referenceAnswer, int[] promptTokens, int[][] completions, float[][] behaviourLogProbs,
            String[] completionTexts, boolean[] truncated, long sampledAtMicros, long weightsReceivedMicros,
            long samplingNanos, long[][] versionSpans, boolean[][] policyTokens, GroupEpisodes episodes) {
        this(promptId, attempt, rolloutId, policyVersion, prompt, referenceAnswer, promptTokens, completions,
                behaviourLogProbs, completionTexts, truncated, sampledAtMicros, weightsReceivedMicros, samplingNanos,
                versionSpans, policyTokens, episodes, null);
    }

    /** A single-turn group (every token the policy's) rewarded as {@code reward} says. */
    public SampledGroup(long promptId, int attempt, String rolloutId, long policyVersion, String prompt,
            String referenceAnswer, int[] promptTokens, int[][] completions, float[][] behaviourLogProbs,
            String[] completionTexts, boolean[] truncated, long sampledAtMicros, long weightsReceivedMicros,
            long samplingNanos, long[][] versionSpans, String reward) {
        this(promptId, attempt, rolloutId, policyVersion, prompt, referenceAnswer, promptTokens, completions,
                behaviourLogProbs, completionTexts, truncated, sampledAtMicros, weightsReceivedMicros, samplingNanos,
                versionSpans, new boolean[completions.length][0], null, reward);
    }

    /** A single-turn group (every token the policy's) rewarded as the run's route says. */
    public SampledGroup(long promptId, int attempt, String rolloutId, long policyVersion, String prompt,
            String referenceAnswer, int[] promptTokens, int[][] completions, float[][] behaviourLogProbs,
            String[] completionTexts, boolean[] truncated, long sampledAtMicros, long weightsReceivedMicros,
            long samplingNanos, long[][] versionSpans) {
        this(promptId, attempt, rolloutId, policyVersion, prompt, referenceAnswer, promptTokens, completions,
                behaviourLogProbs, completionTexts, truncated, sampledAtMicros, weightsReceivedMicros, samplingNanos,
                versionSpans, (String) null);
    }

    /** A group whose every token was sampled by {@code policyVersion}. */
    public SampledGroup(long promptId, int attempt, String rolloutId, long policyVersion, String prompt,
            String referenceAnswer, int[] promptTokens, int[][] completions, float[][] behaviourLogProbs,
            String[] completionTexts, boolean[] truncated, long sampledAtMicros, long weightsReceivedMicros,
            long samplingNanos) {
        this(promptId, attempt, rolloutId, policyVersion, prompt, referenceAnswer, promptTokens, completions,
                behaviourLogProbs, completionTexts, truncated, sampledAtMicros, weightsReceivedMicros, samplingNanos,
                new long[completions.length][0]);
    }

    /** The newest version that sampled any of its tokens. */
    public long newestVersion() {
        long newest = policyVersion;
        for (long[] spans : versionSpans) {
            for (int i = 0; i < spans.length; i += 2) {
                newest = Math.max(newest, spans[i]);
            }
        }
        return newest;
    }

    public int groupSize() {
        return completions.length;
    }

    public long completionTokens() {
        long n = 0;
        for (int[] c : completions) {
            n += c.length;
        }
        return n;
    }
}
