package dev.aha.runtime.grpo;

/**
 * One completion as the learner trains on it.
 *
 * @param prompt the prompt's token ids
 * @param completion the sampled token ids (end token included when drawn)
 * @param behaviourLogProbs log pi_old of each completion token, recorded at sampling time
 * @param advantage the completion's group-relative advantage
 * @param staleness versions the sampling policy lagged the learner's at the step that trains on it (0: fresh), or
 *     {@link #UNKNOWN_STALENESS} where the caller does not know the sampling version
 * @param policyTokens one flag per completion token, true where the policy sampled it; empty when all are. A
 *     multi-turn episode's observations are false: they stay in the sequence as context but out of the loss, the KL
 *     and every normaliser, and their behaviour log-probs are never read
 */
public record GrpoSample(int[] prompt, int[] completion, float[] behaviourLogProbs, float advantage, int staleness,
        boolean[] policyTokens) {

    private static final boolean[] ALL_POLICY = new boolean[0];

    public static final int UNKNOWN_STALENESS = -1;

    public GrpoSample {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt is empty");
        }
        if (completion.length != behaviourLogProbs.length) {
            throw new IllegalArgumentException("completion has " + completion.length + " tokens but "
                    + behaviourLogProbs.length + " behaviour log-probs");
        }
        if (!Float.isFinite(advantage)) {
            throw new IllegalArgumentException("advantage is not finite: " + advantage);
        }
        if (staleness < UNKNOWN_STALENESS) {
            throw new IllegalArgumentException("staleness must be >= 0 (or unknown), was " + staleness);
        }
        if (policyTokens.length != 0 && policyTokens.length != completion.length) {
            throw new IllegalArgumentException("completion has " + completion.length + " tokens but "
                    + policyTokens.length + " policy-token flags");
        }
    }

    /** A single-turn sample: every completion token the policy's. */
    public GrpoSample(int[] prompt, int[] completion, float[] behaviourLogProbs, float advantage, int staleness) {
        this(prompt, completion, behaviourLogProbs, advantage, staleness, ALL_POLICY);
    }

    /** A sample whose sampling version is not known: it counts in no fresh-only figure. */
    public GrpoSample(int[] prompt, int[] completion, float[] behaviourLogProbs, float advantage) {
        this(prompt, completion, behaviourLogProbs, advantage, UNKNOWN_STALENESS);
    }

    /** Whether the learner's current version sampled it. */
    public boolean fresh() {
        return staleness == 0;
    }
}
