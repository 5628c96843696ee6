package dev.aha.runtime.reward;

import java.util.Objects;

/**
 * What a reward function sees of one sampled completion: the decoded prompt, the decoded completion and the task's
 * reference answer. All three are non-null; a task without a prompt or a reference passes {@code ""}.
 *
 * @param prompt          the prompt the completion answers; may be empty
 * @param completion      the decoded completion, exactly as sampled (no prefill added or removed)
 * @param referenceAnswer the bare final answer, e.g. {@code "18"} or {@code "3/4"}; empty when the task has none
 */
public record RewardInput(String prompt, String completion, String referenceAnswer) {
    public RewardInput {
        Objects.requireNonNull(prompt, "prompt (use \"\" when there is none)");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(referenceAnswer, "referenceAnswer (use \"\" when there is none)");
    }
}
