package dev.aha.actors.telemetry;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The metric families a node exposes, registered once in its registry. Every family is labelled by {@code node}
 * (the node's Artery address) and {@code role}; actors take the children of their role ({@link LearnerTelemetry},
 * {@link RolloutTelemetry}, {@link RewardTelemetry}). Every name here has a row in docs/metrics.md.
 */
final class PipelineMetrics {

    /** Versions a used group lagged the learner: the staleness bound is a few versions. */
    private static final double[] STALENESS_BOUNDS = {0, 1, 2, 3, 4, 6, 8, 16, 32};
    private static final double[] REWARD_BOUNDS = {-1, -0.5, 0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3};
    private static final double[] LATENCY_BOUNDS = {.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30,
        60, 120, 300};

    final Counter steps;
    final Counter groupsUsed;
    final Counter groupsDropped;
    final Counter tokensArrived;
    final Counter tokensUsed;
    final Counter evaluations;
    final Gauge policyVersion;
    final Gauge rewardMean;
    final Gauge accuracy;
    final Gauge formatRate;
    final Gauge kl;
    final Gauge clipFraction;
    final Gauge responseLength;
    final Gauge loss;
    final Gauge gradNorm;
    final Gauge busyFraction;
    final Gauge evalPass1;
    final Histogram completionReward;
    final Histogram staleness;
    final Histogram weightSync;
    final Histogram sampleToUse;
    final Counter groupsSampled;
    final Counter tokensSampled;
    final Counter samplingSeconds;
    final Counter episodes;
    final Counter episodeTurns;
    final Counter toolCalls;
    final Counter toolErrors;
    final Counter groupsScored;
    final Counter rewardFailures;
    final Counter rewardGroupsDropped;

    PipelineMetrics(PrometheusRegistry registry) {
        steps = counter(registry, "aha_learner_steps", "GRPO steps the learner took");
        groupsUsed = counter(registry, "aha_learner_groups_used", "Scored groups the learner trained on");
        groupsDropped = Counter.builder().name("aha_learner_groups_dropped")
                .help("Scored groups the learner dropped, by reason (stale, uniform, duplicate, invalid)")
                .labelNames("node", "role", "reason").register(registry);
        tokensArrived = counter(registry, "aha_learner_sampled_tokens",
                "Completion tokens that reached the learner, used or not");
        tokensUsed = counter(registry, "aha_learner_used_tokens", "Completion tokens of the groups the learner trained on");
        evaluations = counter(registry, "aha_evaluations", "Held-out evaluations finished");
        policyVersion = gauge(registry, "aha_policy_version",
                "Policy version: the learner's latest, or the one a rollout samples with");
        rewardMean = gauge(registry, "aha_batch_reward_mean", "Mean total reward of the last step's completions");
        accuracy = gauge(registry, "aha_batch_accuracy_ratio", "Share of the last step's completions with the right answer");
        formatRate = gauge(registry, "aha_batch_format_ratio", "Share of the last step's completions in the exact format");
        kl = gauge(registry, "aha_batch_kl", "Mean k3 KL to the reference policy in the last step (0 when beta = 0)");
        clipFraction = Gauge.builder().name("aha_batch_clip_ratio")
                .help("Share of the last step's tokens where the lower or upper clip bound binds")
                .labelNames("node", "role", "bound").register(registry);
        responseLength = gauge(registry, "aha_batch_response_length_tokens", "Mean completion length of the last step");
        loss = gauge(registry, "aha_batch_loss", "GRPO loss of the last step");
        gradNorm = gauge(registry, "aha_batch_grad_norm", "Global gradient norm of the last step, before clipping");
        busyFraction = gauge(registry, "aha_busy_ratio",
                "Share of wall time spent computing since training started (learner: steps; rollout: sampling)");
        evalPass1 = gauge(registry, "aha_eval_pass1_ratio", "Held-out pass@1 of the latest evaluation");
        completionReward = Histogram.builder().name("aha_completion_reward")
                .help("Total reward of each completion that reached the learner").classicOnly()
                .classicUpperBounds(REWARD_BOUNDS).labelNames("node", "role").register(registry);
        staleness = Histogram.builder().name("aha_group_staleness_versions")
                .help("Versions a used group lagged the learner when it was trained on").classicOnly()
                .classicUpperBounds(STALENESS_BOUNDS).labelNames("node", "role").register(registry);
        weightSync = latency(registry, "aha_weight_sync_seconds",
                "From the learner publishing a version to a rollout's node holding it verified");
        sampleToUse = latency(registry, "aha_sample_to_use_seconds",
                "From a group's last completion sampled to the step that trained on it");
        groupsSampled = counter(registry, "aha_rollout_groups_sampled", "Groups a rollout finished sampling");
        tokensSampled = counter(registry, "aha_rollout_sampled_tokens", "Completion tokens a rollout sampled");
        samplingSeconds = Counter.builder().name("aha_rollout_sampling_seconds")
                .help("Seconds rollouts spent in decode steps").unit(Unit.SECONDS).labelNames("node", "role")
                .register(registry);
        episodes = counter(registry, "aha_rollout_episodes", "Multi-turn episodes a rollout finished");
        episodeTurns = counter(registry, "aha_rollout_episode_turns", "Assistant turns of the finished episodes");
        toolCalls = counter(registry, "aha_rollout_tool_calls", "Tool calls of the finished episodes");
        toolErrors = counter(registry, "aha_rollout_tool_errors",
                "Tool calls of the finished episodes that ended in an error");
        groupsScored = counter(registry, "aha_reward_groups_scored", "Groups a reward actor scored");
        rewardFailures = counter(registry, "aha_reward_failures",
                "Completions whose reward function threw (each scored 0)");
        rewardGroupsDropped = counter(registry, "aha_reward_groups_dropped", "Groups a reward actor dropped unscored "
                + "(a reward model that failed or scored NaN or infinity; no model for the row's route): their leases "
                + "time out and the prompts are handed out again");
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help) {
        return Counter.builder().name(name).help(help).labelNames("node", "role").register(registry);
    }

    private static Gauge gauge(PrometheusRegistry registry, String name, String help) {
        return Gauge.builder().name(name).help(help).labelNames("node", "role").register(registry);
    }

    private static Histogram latency(PrometheusRegistry registry, String name, String help) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS).labelNames("node", "role").register(registry);
    }
}
