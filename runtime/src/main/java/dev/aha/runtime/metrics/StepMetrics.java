package dev.aha.runtime.metrics;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.aha.runtime.grpo.RolloutMismatch;
import java.util.SortedMap;

/**
 * What the learner reports after each step (one line of metrics.jsonl, snake_case keys).
 *
 * @param step learner steps taken so far
 * @param version policy version after this step
 * @param wallSeconds seconds since training started
 * @param rewardMean mean total reward of the batch's completions
 * @param rewardStd std of the batch's rewards
 * @param accuracy share of the batch's completions with the right answer
 * @param formatRate share in the exact think/answer format
 * @param kl mean k3 KL to the reference (0 when beta = 0)
 * @param clipFractionLow share of tokens where the lower clip binds
 * @param clipFractionHigh share of tokens where the upper clip binds
 * @param meanRatio mean importance ratio
 * @param loss the GRPO loss
 * @param gradNorm global gradient norm before clipping
 * @param responseLength mean completion length in tokens
 * @param stalenessHistogram versions a used sample lagged the learner -&gt; completions, for this batch
 * @param groupsPerSecond groups the learner consumed per second, since the previous step
 * @param sampledTokensPerSecond completion tokens that reached the learner per second since the previous step, used
 *     or not (dropped as stale, uniform or duplicate too): what the rollouts produced
 *     ({@code generated_tokens_per_second} in metrics files written before it had this name)
 * @param usedTokensPerSecond completion tokens of the groups this step trained on, per second since the previous
 *     step: what reached the loss
 * @param learnerBusyFraction share of wall time the learner spent in steps, since training started
 * @param rolloutBusyFraction mean share of wall time the rollouts spent sampling, since training started
 * @param groupsDroppedUniform groups dynamic sampling dropped since the previous step (all rewards equal); 0 when
 *     aha.grpo.drop-uniform-groups is off
 * @param overlongMasked completions of this batch overlong filtering left out of the loss (cut at the length cap);
 *     0 when aha.grpo.overlong.filter is off
 * @param samplingTokensPerSecond completion tokens that reached the learner since the previous step over the seconds
 *     their rollouts spent sampling them: the rollouts' own sampling rate inside the pipeline (0 when none arrived),
 *     which {@code aha bench throughput} sets against the same sampling alone
 * @param optimizerSkippedSteps updates the optimiser skipped so far in this segment (their gradient was not
 *     finite, so the weights did not move)
 * @param mismatch how far the batch's behaviour log-probs (recorded by the rollouts) were from the learner's before
 *     this step, over all its completion tokens and over those of fresh samples only ({@link RolloutMismatch});
 *     {@code RolloutMismatch.NONE} in a simulation and in metrics files written before it was measured
 * @param correctedFraction share of the batch's completion tokens whose importance weight pi_prox / pi_behaviour
 *     exceeded aha.grpo.rollout-correction-cap: truncated (tis) or masked out of the loss (mis); 0 with correction
 *     none
 * @param rewardRuleMean mean of the rules' part of the batch's rewards (all but the reward model's, the overlong
 *     punishment and an episode's environment reward included): {@code rewardMean} when no reward model is configured
 * @param rewardModelMean mean of the reward model's part of the batch's rewards (aha.reward.model; 0 without one)
 * @param episodes what the batch's multi-turn episodes did (turns, tool calls and errors, cut episodes, environment
 *     time); null, and absent from metrics.jsonl, for a single-turn task
 */
public record StepMetrics(
        long step,
        long version,
        double wallSeconds,
        double rewardMean,
        double rewardStd,
        double accuracy,
        double formatRate,
        double kl,
        double clipFractionLow,
        double clipFractionHigh,
        double meanRatio,
        double loss,
        double gradNorm,
        double responseLength,
        SortedMap<Integer, Long> stalenessHistogram,
        double groupsPerSecond,
        @JsonAlias("generated_tokens_per_second") double sampledTokensPerSecond,
        double usedTokensPerSecond,
        double learnerBusyFraction,
        double rolloutBusyFraction,
        long groupsDroppedUniform,
        long overlongMasked,
        double samplingTokensPerSecond,
        long optimizerSkippedSteps,
        RolloutMismatch mismatch,
        double correctedFraction,
        double rewardRuleMean,
        double rewardModelMean,
        @JsonInclude(JsonInclude.Include.NON_NULL) EpisodeMetrics episodes) {

    public StepMetrics {
        if (mismatch == null) { // a line written before the mismatch was measured
            mismatch = RolloutMismatch.NONE;
        }
    }

    /** A single-turn step rewarded by the rules alone. */
    public StepMetrics(long step, long version, double wallSeconds, double rewardMean, double rewardStd,
            double accuracy, double formatRate, double kl, double clipFractionLow, double clipFractionHigh,
            double meanRatio, double loss, double gradNorm, double responseLength,
            SortedMap<Integer, Long> stalenessHistogram, double groupsPerSecond, double sampledTokensPerSecond,
            double usedTokensPerSecond, double learnerBusyFraction, double rolloutBusyFraction,
            long groupsDroppedUniform, long overlongMasked, double samplingTokensPerSecond,
            long optimizerSkippedSteps, RolloutMismatch mismatch, double correctedFraction) {
        this(step, version, wallSeconds, rewardMean, rewardStd, accuracy, formatRate, kl, clipFractionLow,
                clipFractionHigh, meanRatio, loss, gradNorm, responseLength, stalenessHistogram, groupsPerSecond,
                sampledTokensPerSecond, usedTokensPerSecond, learnerBusyFraction, rolloutBusyFraction,
                groupsDroppedUniform, overlongMasked, samplingTokensPerSecond, optimizerSkippedSteps, mismatch,
                correctedFraction, rewardMean, 0, null);
    }
}
