package dev.aha.runtime.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Time to accuracy, the figure RL systems are compared by (AReaL and PipelineRL report it): the run's clock when a
 * held-out evaluation first reached each pass@1 threshold. Evaluations are points in time, so the true crossing lies
 * between the last evaluation below and this one: the figure is as fine as {@code aha.train.eval-every}.
 */
public final class TimeToAccuracy {

    /** The thresholds summary.json reports. */
    public static final List<Double> THRESHOLDS = List.of(0.5, 0.6, 0.7, 0.8, 0.9);

    private TimeToAccuracy() {}

    /** Seconds of the earliest evaluation at or above {@code threshold}; empty if none reached it. */
    public static OptionalDouble secondsTo(List<EvalPoint> curve, double threshold) {
        return curve.stream().filter(p -> p.pass1() >= threshold).mapToDouble(EvalPoint::runSeconds).min();
    }

    /** Each of {@link #THRESHOLDS}, written as "0.7", to its seconds, or null when not reached (in order). */
    public static Map<String, Double> table(List<EvalPoint> curve) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (double t : THRESHOLDS) {
            OptionalDouble s = secondsTo(curve, t);
            out.put(String.valueOf(t), s.isPresent() ? s.getAsDouble() : null);
        }
        return out;
    }
}
