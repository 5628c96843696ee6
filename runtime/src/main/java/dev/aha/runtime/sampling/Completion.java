package dev.aha.runtime.sampling;

/**
 * One sampled completion: its tokens (the end token included when drawn, since it is an action the policy took),
 * the behaviour log-prob of each token at sampling time, the weight version that sampled each token (empty where
 * no version was tracked, as in evaluation), and whether it ended on the end token (false: cut at the length limit).
 * Under in-flight weight updates one completion's tokens may come from several versions; its staleness counts from
 * the oldest.
 */
public record Completion(int[] tokens, float[] logProbs, long[] versions, boolean finished) {

    private static final long[] UNTRACKED = new long[0];

    public Completion {
        if (tokens.length != logProbs.length) {
            throw new IllegalArgumentException(
                    "tokens (" + tokens.length + ") and logProbs (" + logProbs.length + ") differ in length");
        }
        if (versions.length != 0 && versions.length != tokens.length) {
            throw new IllegalArgumentException(
                    "versions (" + versions.length + ") must be empty or one per token (" + tokens.length + ")");
        }
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
}
