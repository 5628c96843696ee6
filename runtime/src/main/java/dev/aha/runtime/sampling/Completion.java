package dev.aha.runtime.sampling;

/**
 * One sampled completion: its tokens (the end token included when drawn, since it is an action the policy took),
 * the behaviour log-prob of each token at sampling time, and whether it ended on the end token (false: cut at
 * the length limit).
 */
public record Completion(int[] tokens, float[] logProbs, boolean finished) {

    public Completion {
        if (tokens.length != logProbs.length) {
            throw new IllegalArgumentException(
                    "tokens (" + tokens.length + ") and logProbs (" + logProbs.length + ") differ in length");
        }
    }

    public int length() {
        return tokens.length;
    }
}
