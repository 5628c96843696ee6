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
 */
public record ScoredGroup(
        SampledGroup group, double[] rewards, float[] advantages, double[] accuracy, double[] format,
        int rewardFailures) implements LearnerMessage {}
