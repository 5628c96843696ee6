package dev.aha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.grpo.LearnerPhases;

/**
 * The learner's phases of {@code aha bench model} against the matmul peak measured in the same run: each phase's
 * median seconds (steps after the first), its FLOPs as {@link ModelFlops} counts them (the reference and the policy
 * one forward each, the backward twice a forward; the optimiser's element-wise work is not counted), and the fraction
 * of the peak that is. The learner's roofline is all of its FLOPs at the peak.
 */
final class LearnerRoofline {

    private static final String[] PHASES = {"reference", "forward", "backward", "optimizer"};

    private LearnerRoofline() {}

    /** Adds the phases of one step to its JSON row. */
    static void record(ObjectNode step, LearnerPhases phases) {
        step.put("reference_seconds", phases.referenceSeconds());
        step.put("forward_seconds", phases.forwardSeconds());
        step.put("backward_seconds", phases.backwardSeconds());
        step.put("optimizer_seconds", phases.optimizerSeconds());
    }

    /**
     * @param forwardFlops one forward of the batch the learner trains on
     * @param peak the matmul peak, FLOP/s, of the precision the learner ran in
     */
    static ObjectNode summary(ArrayNode steps, double forwardFlops, boolean reference, double peak, ObjectNode out) {
        double[] flops = {reference ? forwardFlops : 0, forwardFlops, 2 * forwardFlops, 0};
        ObjectNode learner = out.putObject("learner");
        learner.put("matmul_peak_flops", peak);
        double total = 0;
        double totalFlops = 0;
        for (int p = 0; p < PHASES.length; p++) {
            double[] seconds = new double[steps.size() - 1];
            for (int i = 1; i < steps.size(); i++) {
                JsonNode s = steps.get(i);
                seconds[i - 1] = s.get(PHASES[p] + "_seconds").asDouble();
            }
            double median = Stats.median(seconds);
            ObjectNode phase = learner.putObject(PHASES[p]);
            phase.put("seconds_p50", median);
            phase.put("flops", flops[p]);
            phase.put("fraction_of_peak", median > 0 && flops[p] > 0 ? flops[p] / median / peak : 0);
            total += median;
            totalFlops += flops[p];
        }
        double roofline = totalFlops / peak;
        learner.put("seconds_p50", total);
        learner.put("flops", totalFlops);
        learner.put("roofline_seconds", roofline);
        learner.put("over_roofline", total / roofline);
        return learner;
    }
}
