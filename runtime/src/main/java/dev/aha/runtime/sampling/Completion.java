package dev.aha.runtime.sampling;

/**
 * One sampled completion: its tokens (the end token included when drawn, since it is an action the policy took),
 * the behaviour log-prob of each token at sampling time, the weight version that sampled each token (empty where
 * no version was tracked, as in evaluation), and whether it ended on the end token (false: cut at the length limit).
 * Under in-flight weight updates one completion's tokens may come from several versions; its staleness counts from
 * the oldest.
 *
 * <p>A multi-turn episode's completion is its whole trajectory: the policy's turns and, between them, the
 * environment's observations as the template renders them. {@code policyTokens} marks which tokens the policy
 * sampled (only those are trained); an observation token has log-prob 0 and the version of the turn before it. For
 * an episode, {@code finished} means its environment ended it, and {@code episode} says how.
 *
 * @param policyTokens one flag per token, true where the policy sampled it; empty when every token is the policy's
 * @param episode how the episode went, or null for a single-turn completion
 */
public record Completion(int[] tokens, float[] logProbs, long[] versions, boolean finished, boolean[] policyTokens,
        EpisodeOutcome episode) {

    private static final long[] UNTRACKED = new long[0];
    private static final boolean[] ALL_POLICY = new boolean[0];

    public Completion {
        if (tokens.length != logProbs.length) {
            throw new IllegalArgumentException(
                    "tokens (" + tokens.length + ") and logProbs (" + logProbs.length + ") differ in length");
        }
        if (versions.length != 0 && versions.length != tokens.length) {
            throw new IllegalArgumentException(
                    "versions (" + versions.length + ") must be empty or one per token (" + tokens.length + ")");
        }
        if (policyTokens.length != 0 && policyTokens.length != tokens.length) {
            throw new IllegalArgumentException("policyTokens (" + policyTokens.length
                    + ") must be empty or one per token (" + tokens.length + ")");
        }
    }

    /** A single-turn completion: every token the policy's. */
    public Completion(int[] tokens, float[] logProbs, long[] versions, boolean finished) {
        this(tokens, logProbs, versions, finished, ALL_POLICY, null);
    }

    /** A completion sampled outside a versioned rollout. */
    public Completion(int[] tokens, float[] logProbs, boolean finished) {
        this(tokens, logProbs, UNTRACKED, finished);
    }

    public int length() {
        return tokens.length;
    }

    /** The version of the first token (versions only grow along a completion), or {@code fallback} if untracked. */
    public long oldestVersion(long fallback) {
        return versions.length == 0 ? fallback : versions[0];
    }

    /**
     * The tokens the policy sampled, observations left out: what rewards and evaluations read, so an observation (a
     * tool's output, the environment's text) never puts words such as an answer into the policy's mouth.
     */
    public int[] policyOnlyTokens() {
        if (policyTokens.length == 0) {
            return tokens;
        }
        int[] kept = new int[tokens.length];
        int n = 0;
        for (int i = 0; i < tokens.length; i++) {
            if (policyTokens[i]) {
                kept[n++] = tokens[i];
            }
        }
        return java.util.Arrays.copyOf(kept, n);
    }

    /** Whether token {@code i} is one the policy sampled (not an observation). */
    public boolean isPolicyToken(int i) {
        return policyTokens.length == 0 || policyTokens[i];
    }
}
