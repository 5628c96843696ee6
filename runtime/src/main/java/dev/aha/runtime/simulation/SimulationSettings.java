package dev.aha.runtime.simulation;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The cost model of a simulated device (aha.simulation in reference.conf). Costs are spent as wall time (the
 * thread parks), not CPU, so that many simulated devices fit on a small machine while everything around them (actors,
 * dispatcher, rewards, the weight plane) runs for real.
 *
 * @param decodePerToken wall time of one decoding step of a whole group (G sequences advance together, as in a
 *     batched inference engine): a group costs its longest completion's length times this
 * @param prefillPerToken wall time per prompt token, once per group
 * @param trainPerToken learner wall time per completion token in a batch (forward, backward and optimiser step)
 * @param medianLength median completion length in tokens
 * @param lengthSigma sigma of the log-normal length distribution: reasoning traces have a long right tail
 * @param maxLength completions are cut at this length (the sampling cap)
 * @param weightBytes size of the modelled policy's float32 weight image: it crosses the weight plane every version
 *     (half of it on the wire with {@code aha.weights.wire-dtype = bf16}); beyond 2 GiB works
 */
public record SimulationSettings(
        Duration decodePerToken,
        Duration prefillPerToken,
        Duration trainPerToken,
        int medianLength,
        double lengthSigma,
        int maxLength,
        long weightBytes) {

    public SimulationSettings {
        if (decodePerToken.isNegative() || prefillPerToken.isNegative() || trainPerToken.isNegative()) {
            throw new IllegalArgumentException("aha.simulation: modelled times must not be negative");
        }
        if (medianLength < 1 || maxLength < medianLength || !(lengthSigma >= 0)) {
            throw new IllegalArgumentException("aha.simulation: need 1 <= median-length <= max-length and "
                    + "length-sigma >= 0, were " + medianLength + ", " + maxLength + ", " + lengthSigma);
        }
        if (weightBytes < 8 || weightBytes % Float.BYTES != 0) {
            throw new IllegalArgumentException("aha.simulation.weight-bytes must be a multiple of 4 (whole floats), at "
                    + "least 8, was " + weightBytes);
        }
    }

    /** Reads {@code aha.simulation}. */
    public static SimulationSettings fromConfig(Config c) {
        return new SimulationSettings(c.getDuration("decode-per-token"), c.getDuration("prefill-per-token"),
                c.getDuration("train-per-token"), c.getInt("median-length"), c.getDouble("length-sigma"),
                c.getInt("max-length"), c.getBytes("weight-bytes"));
    }

    /** The same model with every cost zero: what the runtime itself can carry. */
    public SimulationSettings free() {
        return new SimulationSettings(Duration.ZERO, Duration.ZERO, Duration.ZERO, medianLength, lengthSigma,
                maxLength, weightBytes);
    }
}
