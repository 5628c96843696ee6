package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.TrainPrecision;
import dev.aha.runtime.grpo.LearnerPhases;
import java.util.Locale;

/**
 * The learner's phases of {@code aha bench model} against the matmul peak measured in the same run: each phase's
 * median seconds (steps after the first), its FLOPs as {@link ModelFlops} counts them (the reference and the policy
 * one forward each, the backward twice a forward, or once under LoRA, where the frozen base takes no weight gradient
 * and the adapters' products are left out; the optimiser's element-wise work is not counted), and the fraction of the
 * peak that is. The learner's roofline is all of its FLOPs at the peak.
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
     * Measures the matmul peak of {@code precision} now and writes the summary; returns it in one line.
     *
     * @param forwardFlops one forward of the batch the learner trains on
     */
    static String measure(ArrayNode steps, double forwardFlops, boolean reference, boolean adapters,
            TrainPrecision precision, NDManager manager, ObjectNode out) {
        ComputeThreads.stopRecording();
        DataType type = precision == TrainPrecision.BF16_MIXED ? DataType.BFLOAT16 : DataType.FLOAT32;
        double peak = Stats.median(MatmulPeak.rates(manager, 1024, 5, type));
        ObjectNode l = summary(steps, forwardFlops, reference, adapters, peak, out);
        return String.format(Locale.ROOT, "learner: %.1f s a step, %.2f TFLOP, %.2fx its roofline at %.0f GFLOP/s (%s)",
                l.get("seconds_p50").asDouble(), l.get("flops").asDouble() / 1e12, l.get("over_roofline").asDouble(),
                peak / 1e9, precision);
    }

    /**
     * @param forwardFlops one forward of the batch the learner trains on
     * @param adapters whether the learner trains LoRA adapters over a frozen base
     * @param peak the matmul peak, FLOP/s, of the precision the learner ran in
     */
    static ObjectNode summary(ArrayNode steps, double forwardFlops, boolean reference, boolean adapters, double peak,
            ObjectNode out) {
        double[] flops = {reference ? forwardFlops : 0, forwardFlops, (adapters ? 1 : 2) * forwardFlops, 0};
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
