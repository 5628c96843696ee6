package dev.aha.protocol.pipeline;


/**
 * A sampled group with its rule-based rewards and group-relative advantages, on its way to the learner.
 *
 * @param group the sampled group
 * @param rewards the weighted total reward of each completion
 * @param advantages (r - mean) / (std + eps) per completion (or centred only, per settings)
 * @param accuracy the accuracy component of each completion (0 or 1)
 * @param format the format component of each completion (0 or 1)
 * @param rewardFailures completions whose reward function threw (each scored 0)
 * @param modelRewards the reward model's part of each completion's reward (0 where no model scored it); the rest of
 *     {@code rewards} is the rules' part
 */
public record ScoredGroup(
        SampledGroup group, double[] rewards, float[] advantages, double[] accuracy, double[] format,
        int rewardFailures, double[] modelRewards) implements LearnerMessage {

    /** A group the rules alone rewarded. */
    public ScoredGroup(SampledGroup group, double[] rewards, float[] advantages, double[] accuracy, double[] format,
            int rewardFailures) {
        this(group, rewards, advantages, accuracy, format, rewardFailures,
                new double[rewards == null ? 0 : rewards.length]);
    }
}
