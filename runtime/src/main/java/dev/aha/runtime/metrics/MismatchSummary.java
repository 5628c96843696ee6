package dev.aha.runtime.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.grpo.RolloutMismatch;
import java.util.List;
import java.util.function.Function;

/**
 * A run's rollout mismatch for its summary: the per-step figures of metrics.jsonl averaged over the steps that
 * measured them (the largest |d| is the largest of any step), over all completion tokens and over fresh samples'.
 */
public final class MismatchSummary {

    private MismatchSummary() {}

    /** Fills {@code o}; {@code steps} 0 (and nothing else) where no step measured a mismatch, as in a simulation. */
    public static void write(ObjectNode o, List<StepMetrics> steps) {
        int measured = put(o, "", steps, m -> m.mismatch().all());
        if (measured > 0) {
            put(o, "fresh_", steps, m -> m.mismatch().fresh());
            o.put("mean_corrected_fraction", steps.stream().filter(m -> m.mismatch().all().tokens() > 0)
                    .mapToDouble(StepMetrics::correctedFraction).average().orElse(0));
        }
    }

    private static int put(ObjectNode o, String prefix, List<StepMetrics> steps,
            Function<StepMetrics, RolloutMismatch.Figures> figures) {
        List<RolloutMismatch.Figures> measured = steps.stream().map(figures).filter(f -> f.tokens() > 0).toList();
        o.put(prefix + "steps", measured.size());
        if (measured.isEmpty()) {
            return 0;
        }
        o.put(prefix + "mean_kl", measured.stream().mapToDouble(RolloutMismatch.Figures::kl).average().orElse(0));
        o.put(prefix + "mean_k3", measured.stream().mapToDouble(RolloutMismatch.Figures::k3).average().orElse(0));
        o.put(prefix + "mean_abs_log_diff",
                measured.stream().mapToDouble(RolloutMismatch.Figures::meanAbsLogDiff).average().orElse(0));
        o.put(prefix + "max_abs_log_diff",
                measured.stream().mapToDouble(RolloutMismatch.Figures::maxAbsLogDiff).max().orElse(0));
        return measured.size();
    }
}
