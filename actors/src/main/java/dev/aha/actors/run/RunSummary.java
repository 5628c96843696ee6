package dev.aha.actors.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.cluster.MembershipLog;
import dev.aha.actors.cluster.MembershipThroughput;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.pipeline.DispatcherStats;
import dev.aha.actors.pipeline.EvalRecord;
import dev.aha.actors.pipeline.Learner;
import dev.aha.actors.pipeline.RunState;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.EvalPoint;
import dev.aha.runtime.metrics.LearnerMetrics;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.metrics.MismatchSummary;
import dev.aha.runtime.metrics.StepMetrics;
import dev.aha.runtime.metrics.TimeToAccuracy;
import dev.aha.runtime.metrics.TrainingCharts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;

/** A finished run's figures: {@code summary.json}, and the charts of a run that trained a policy. */
final class RunSummary {

    private RunSummary() {}

    /**
     * @param run the run's settings, and its code rewards' counts
     * @param start the counters the run started from (non-zero for a resume)
     * @param membership the cluster's membership changes during the run
     * @param pipelineStartNanos when the actor system started, the origin of the membership timeline
     */
    static ObjectNode write(Path out, RunResources run, RunState start, Learner.Finished f,
            List<MembershipLog.Change> membership, long pipelineStartNanos) {
        RunConfig config = run.config();
        RunState end = f.state();
        ObjectNode s = MetricsLog.JSON.createObjectNode();
        s.put("task", config.train().task());
        s.put("mode", config.train().sync() ? "sync" : "async");
        s.put("backend", config.simulated() ? "simulated" : "torch");
        if (config.simulated()) {
            putSimulation(s.putObject("simulation"), config);
        }
        if (f.finalEval() != null) {
            putFinalEval(s, end.initialPass1(), f.finalEval());
        }
        s.put("steps", end.step());
        s.put("version", end.version());
        s.put("wall_seconds", end.wallSeconds());
        putPrompts(s, end, f.dispatcherStats());
        if (!config.train().hardPrompts().isBlank()) {
            putHardShare(s.putObject("hard_prompts"), f.hardShare());
        }
        s.put("late_duplicates", f.lateDuplicates());
        s.put("reward_failures", f.rewardFailures());
        if (config.codeTask()) { // how this run's programs ended: its reward actors' here, its evaluations' apart
            run.codeOutcomes().forEach(s.putObject("code_outcomes")::put);
            run.evaluationCodeOutcomes().forEach(s.putObject("eval_code_outcomes")::put);
        }
        if (run.episodes() != null) {
            EpisodeSummary.write(s.putObject("episodes"), run.episodes().counters(), f.history());
        }
        s.put("invalid_groups_dropped", f.invalidGroups());
        s.put("steps_non_finite", f.nonFiniteSteps());
        s.put("optimizer_skipped_steps", f.optimizerSkippedSteps());
        s.put("groups_dropped_uniform", f.groupsDroppedUniform());
        List<StepMetrics> segment = f.history();
        double rlSeconds = end.wallSeconds() - start.wallSeconds();
        long groups = end.promptsUsed() - start.promptsUsed();
        s.put("groups_per_second", rlSeconds > 0 ? groups / rlSeconds : 0);
        // every completion token that reached the learner, and those of the groups it trained on
        s.put("sampled_tokens_per_second", rlSeconds > 0 ? f.tokens().sampled() / rlSeconds : 0);
        s.put("used_tokens_per_second", rlSeconds > 0 ? f.tokens().used() / rlSeconds : 0);
        // under in-flight weight updates: the share of trained tokens sampled after their sequence's weights changed
        s.put("used_tokens_after_update_share",
                f.tokens().used() > 0 ? (double) f.tokens().usedAfterUpdate() / f.tokens().used() : 0);
        s.put("mean_learner_busy_fraction",
                segment.stream().mapToDouble(StepMetrics::learnerBusyFraction).average().orElse(0));
        s.put("mean_rollout_busy_fraction",
                segment.stream().mapToDouble(StepMetrics::rolloutBusyFraction).average().orElse(0));
        MismatchSummary.write(s.putObject("rollout_mismatch"), segment);
        putSettings(s.putObject("settings"), config);
        LearnerMetrics.Timings t = f.timings();
        s.put("learner_steps_per_second", rlSeconds > 0 ? (end.step() - start.step()) / rlSeconds : 0);
        putLatency(s.putObject("weight_sync_ms"), t.weightSyncMicros());
        putLatency(s.putObject("sample_to_use_ms"), t.sampleToUseMicros());
        ObjectNode staleness = s.putObject("staleness_groups");
        t.staleness().forEach((lag, n) -> staleness.put(String.valueOf(lag), n));
        s.put("nodes_joined", MembershipLog.count(membership, "up"));
        s.put("nodes_lost", MembershipLog.count(membership, "lost"));
        MembershipThroughput.write(s, membership, segment, pipelineStartNanos, start.wallSeconds(),
                config.train().batchGroups());
        putEvals(s, f.evals(), rlSeconds);
        try {
            Files.createDirectories(out);
            Path metrics = out.resolve("metrics.jsonl");
            List<EvalPoint> curve = f.finalEval() != null ? MetricsLog.readEvals(metrics) : List.of();
            if (f.finalEval() != null) { // a simulation has no policy to evaluate
                putTimeToAccuracy(s, end, curve);
            }
            Files.writeString(out.resolve("summary.json"), MetricsLog.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(s));
            if (f.finalEval() != null) { // nor reward or accuracy curves worth drawing
                TrainingCharts.write(out.resolve("charts"), "aha train " + config.train().task(),
                        MetricsLog.readSteps(metrics), curve);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the summary into " + out, e);
        }
        return s;
    }

    /** This segment's evaluations, and what those every eval-every steps cost the learner. */
    private static void putEvals(ObjectNode s, List<EvalRecord> records, double rlSeconds) {
        ArrayNode evals = s.putArray("evals");
        double periodic = 0;
        for (EvalRecord e : records) {
            ObjectNode o = evals.addObject().put("step", e.step()).put("run_seconds", e.runSeconds())
                    .put("prompts", e.result().prompts()).put("k", e.result().k()).put("pass1", e.result().pass1());
            if (Double.isFinite(e.result().greedyAccuracy())) { // the evaluations while training skip it
                o.put("greedy_accuracy", e.result().greedyAccuracy());
            }
            o.put("cons_at_k", e.result().consK()).put("seconds", e.seconds());
            putPassAtK(o, e.result());
            if (Double.isFinite(e.result().toolCallsPerSample())) {
                o.put("tool_calls_per_sample", e.result().toolCallsPerSample());
            }
            if (e.periodic()) {
                periodic += e.seconds();
            }
        }
        s.put("periodic_eval_seconds", periodic);
        s.put("periodic_eval_fraction", rlSeconds > 0 ? periodic / rlSeconds : 0);
    }

    /**
     * Held-out pass@1 against the run's clock (cold start included) over the whole run, resumed segments included,
     * and the seconds at which it first reached each threshold.
     */
    private static void putTimeToAccuracy(ObjectNode s, RunState end, List<EvalPoint> curve) {
        s.put("cold_start_seconds", end.coldStartSeconds());
        s.put("run_seconds", end.runSeconds(end.wallSeconds()));
        ObjectNode reached = s.putObject("seconds_to_pass1");
        TimeToAccuracy.table(curve).forEach((threshold, seconds) -> {
            if (seconds == null) {
                reached.putNull(threshold);
            } else {
                reached.put(threshold, seconds);
            }
        });
        ArrayNode points = s.putArray("pass1_curve");
        curve.forEach(p -> points.addObject().put("step", p.step()).put("run_seconds", p.runSeconds())
                .put("pass1", p.pass1()));
    }

    private static void putSimulation(ObjectNode sim, RunConfig config) {
        sim.put("note", "SIMULATED devices: generation and training spend modelled wall time; no policy is "
                + "trained; actors, dispatcher, rewards and the weight plane are real");
        sim.put("decode_ms_per_token", config.simulation().decodePerToken().toNanos() / 1e6);
        sim.put("train_ms_per_token", config.simulation().trainPerToken().toNanos() / 1e6);
        sim.put("median_length", config.simulation().medianLength());
        sim.put("length_sigma", config.simulation().lengthSigma());
        sim.put("weight_bytes", config.simulation().weightBytes());
    }

    private static void putFinalEval(ObjectNode s, double initialPass1, EvalResult last) {
        s.put("initial_pass1", initialPass1);
        s.put("final_pass1", last.pass1());
        s.put("pass1_gain", last.pass1() - initialPass1);
        s.put("final_greedy_accuracy", last.greedyAccuracy());
        s.put("final_cons_at_k", last.consK());
        putPassAtK(s.putObject("final_pass_at_k"), last);
        s.put("final_format_rate", last.formatRate());
        if (Double.isFinite(last.toolCallsPerSample())) {
            s.put("final_tool_calls_per_sample", last.toolCallsPerSample());
        }
        s.put("eval_prompts", last.prompts());
        s.put("eval_k", last.k());
    }

    /** The cold start's hard prompts among the groups trained on and dropped as stale (this segment). */
    private static void putHardShare(ObjectNode o, dev.aha.actors.pipeline.HardShare h) {
        o.put("used_labelled", h.usedLabelled()).put("used_hard", h.usedHard());
        putFinite(o, "used_share", h.usedShare());
        o.put("stale_labelled", h.staleLabelled()).put("stale_hard", h.staleHard());
        putFinite(o, "stale_share", h.staleShare());
    }

    private static void putFinite(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    /** The unbiased pass@j of an evaluation, keyed "pass@j", for every j it measured. */
    private static void putPassAtK(ObjectNode o, EvalResult r) {
        for (int j = 1; j <= r.passAtK().length; j++) {
            o.put("pass@" + j, r.passAt(j));
        }
    }

    private static void putPrompts(ObjectNode s, RunState end, DispatcherStats d) {
        s.put("prompts_dispatched", end.promptsDispatched());
        s.put("prompts_used", end.promptsUsed());
        s.put("prompts_dropped_stale", end.promptsDroppedStale());
        s.put("prompts_outstanding_at_end", d.outstanding());
        s.put("prompts_reissued", d.reissued());
        s.put("lost_prompts", d.lost());
        s.put("prompts_quarantined", d.quarantined());
        s.put("invalid_messages_dropped", d.invalid());
    }

    private static void putSettings(ObjectNode settings, RunConfig config) {
        settings.put("cold_start_steps", config.train().coldStartSteps()); // 0: R1-Zero, or a checkpoint given by --init
        settings.put("group_size", config.train().groupSize());
        settings.put("batch_groups", config.train().batchGroups());
        settings.put("rollouts", config.train().rollouts());
        settings.put("max_staleness", config.train().maxStaleness());
        settings.put("staleness", config.train().staleness().name().toLowerCase(java.util.Locale.ROOT));
        settings.put("algorithm", config.grpo().algorithm().configName());
        settings.put("beta", config.grpo().beta());
        settings.put("aggregation", config.grpo().aggregation().name());
        settings.put("drop_uniform_groups", config.grpo().dropUniformGroups());
        settings.put("overlong_buffer", config.grpo().overlong().buffer());
        if (config.grpo().overlong().punishes()) {
            settings.put("overlong_penalty", config.grpo().overlong().penalty());
        }
        settings.put("overlong_filter", config.grpo().overlong().filter());
        settings.put("rollout_correction", config.grpo().correction().configName());
        if (config.grpo().correction().corrects()) {
            settings.put("rollout_correction_cap", config.grpo().correction().cap());
        }
        settings.put("learning_rate", config.optimizer().learningRate());
        settings.put("extract", config.reward().extract().configName()); // how rewards and evaluations read answers
    }

    private static void putLatency(ObjectNode o, Histogram h) {
        o.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            o.put("p50", h.getValueAtPercentile(50) / 1000.0);
            o.put("p99", h.getValueAtPercentile(99) / 1000.0);
            o.put("max", h.getMaxValue() / 1000.0);
        }
    }
}
