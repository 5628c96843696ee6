package dev.aha.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.grpo.RolloutMismatch;
import dev.aha.runtime.grpo.RolloutMismatch.Figures;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MismatchSummaryTest {

    private static StepMetrics step(Figures all, Figures fresh, double corrected) {
        return new StepMetrics(1, 1, 1, 0.5, 0.1, 0.5, 1, 0, 0, 0, 1, 0, 0, 10, new TreeMap<>(), 1, 1, 1, 0.5, 0.5, 0,
                0, 1, 0, new RolloutMismatch(all, fresh), corrected);
    }

    @Test
    void stepFiguresAreAveragedOverTheStepsThatMeasuredThemAndTheLargestGapKept() {
        List<StepMetrics> steps = List.of(
                step(new Figures(10, 0.02, 0.3, 0.002, 0.001), new Figures(4, 0.01, 0.05, 0.0004, 0.0002), 0.1),
                step(new Figures(20, 0.04, 0.9, 0.004, 0.003), Figures.NONE, 0.3),
                step(Figures.NONE, Figures.NONE, 0)); // nothing measured: left out of every mean
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        MismatchSummary.write(o, steps);
        double[] expected = {2, 0.003, 0.002, 0.03, 0.9, 1, 0.0004, 0.0002, 0.01, 0.05, 0.2};
        List<String> keys = List.of("steps", "mean_kl", "mean_k3", "mean_abs_log_diff", "max_abs_log_diff",
                "fresh_steps", "fresh_mean_kl", "fresh_mean_k3", "fresh_mean_abs_log_diff", "fresh_max_abs_log_diff",
                "mean_corrected_fraction");
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        assertEquals(keys, names, "every figure, in this order");
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(expected[i], o.get(keys.get(i)).asDouble(), 1e-12, keys.get(i));
        }
    }

    @Test
    void aRunThatMeasuredNothingSaysSo() {
        ObjectNode o = MetricsLog.JSON.createObjectNode();
        MismatchSummary.write(o, List.of(step(Figures.NONE, Figures.NONE, 0)));
        assertEquals("{\"steps\":0}", o.toString());
    }
}
