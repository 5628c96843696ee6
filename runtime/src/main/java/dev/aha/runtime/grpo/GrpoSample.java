package dev.aha.runtime.grpo;

/**
 * One completion as the learner trains on it.
 *
 * @param prompt the prompt's token ids
 * @param completion the sampled token ids (end token included when drawn)
 * @param behaviourLogProbs log pi_old of each completion token, recorded at sampling time
 * @param advantage the completion's group-relative advantage
 */
public record GrpoSample(int[] prompt, int[] completion, float[] behaviourLogProbs, float advantage) {

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
    }
}
