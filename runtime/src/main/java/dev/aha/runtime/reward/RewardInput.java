package dev.aha.runtime.reward;

/**
 * What a reward function sees of one completion.
 *
 * @param prompt the templated prompt (may be empty)
 * @param completion the decoded completion
 * @param referenceAnswer the bare reference answer ("18", "3/4"), in the task's convention
 */
public record RewardInput(String prompt, String completion, String referenceAnswer) {

    public RewardInput {
        prompt = prompt == null ? "" : prompt;
        completion = completion == null ? "" : completion;
        referenceAnswer = referenceAnswer == null ? "" : referenceAnswer;
    }
}
