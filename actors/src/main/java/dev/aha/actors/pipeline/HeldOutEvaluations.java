package dev.aha.actors.pipeline;

import dev.aha.actors.telemetry.LearnerTelemetry;
import dev.aha.runtime.backend.PolicyTrainer;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.task.TaskPrompt;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The learner's held-out evaluations: each logged, appended to metrics.jsonl, kept for the summary and told to the
 * node's telemetry.
 */
final class HeldOutEvaluations {

    private final PolicyTrainer trainer;
    private final List<TaskPrompt> heldOut;
    private final MetricsLog metricsLog;
    private final Logger log;
    private final List<EvalRecord> done = new ArrayList<>();
    private final LearnerTelemetry telemetry;

    /** @param telemetry told of each evaluation as it is done */
    HeldOutEvaluations(PolicyTrainer trainer, List<TaskPrompt> heldOut, MetricsLog metricsLog, Logger log,
            LearnerTelemetry telemetry) {
        this.telemetry = telemetry;
        this.trainer = trainer;
        this.heldOut = heldOut;
        this.metricsLog = metricsLog;
        this.log = log;
    }

    /**
     * Evaluates the trainer's policy with {@code k} samples a prompt, or returns null without a held-out set or a
     * policy (a simulation).
     *
     * @param runSeconds the run's clock now (see {@link EvalRecord})
     * @param prompts the first this many held-out prompts, with a greedy decode only when that is all of them
     * @param periodic one of the evaluations every eval-every steps, counted as their cost
     */
    EvalResult at(long step, long version, double runSeconds, int k, int prompts, boolean periodic) {
        if (heldOut.isEmpty()) {
            return null;
        }
        long start = System.nanoTime();
        List<TaskPrompt> some = heldOut.subList(0, Math.min(prompts, heldOut.size()));
        EvalResult r = trainer.evaluate(some, k, !periodic).orElse(null);
        if (r == null) {
            return null;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        EvalRecord record = new EvalRecord(step, version, runSeconds, seconds, periodic, r);
        done.add(record);
        telemetry.evaluated(record);
        metricsLog.appendEval(step, version, runSeconds, r);
        String greedy = Double.isFinite(r.greedyAccuracy()) ? String.format(" greedy %.3f", r.greedyAccuracy()) : "";
        log.info(String.format("eval at step %d (%.0fs into the run): pass@1 %.3f%s cons@%d %.3f format %.3f "
                + "(%d prompts, %.1fs)", step, runSeconds, r.pass1(), greedy, r.k(), r.consK(), r.formatRate(),
                r.prompts(), seconds));
        return r;
    }

    List<EvalRecord> done() {
        return List.copyOf(done);
    }
}
