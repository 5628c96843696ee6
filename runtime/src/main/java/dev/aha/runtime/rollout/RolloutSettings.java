package dev.aha.runtime.rollout;

import ai.djl.ndarray.types.DataType;
import com.typesafe.config.Config;

/**
 * How a rollout's engine runs ({@code aha.rollout}, see reference.conf).
 *
 * @param maxSequences sequences decoded together, each in its own KV-cache slot; 0 = sized from the device
 * @param dtype the type of the rollout's copy of the weights (the learner keeps float32 master weights)
 * @param inFlightUpdates apply a new weight version between decode steps, to sequences in flight; off: only when the
 *     engine has drained
 * @param threads libtorch intra-op threads of each rollout's compute thread; 0 = the node's cores not taken by a
 *     learner in the same JVM, shared among its rollouts
 */
public record RolloutSettings(int maxSequences, RolloutDtype dtype, boolean inFlightUpdates, int threads) {

    /** Sequence slots a CPU rollout gets by default: enough rows to turn decode steps into matrix products. */
    public static final int CPU_DEFAULT_SEQUENCES = 64;
    /** And a GPU rollout, whose matmuls stay memory-bound to far larger batches. */
    public static final int GPU_DEFAULT_SEQUENCES = 256;

    /** The rollout's weight types. */
    public enum RolloutDtype {
        F32(DataType.FLOAT32), F16(DataType.FLOAT16), BF16(DataType.BFLOAT16);

        private final DataType type;

        RolloutDtype(DataType type) {
            this.type = type;
        }

        /** The type the weights of products are stored in (see {@code WeightMath}). */
        public DataType dataType() {
            return type;
        }

        public static RolloutDtype parse(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "f32" -> F32;
                case "f16" -> F16;
                case "bf16" -> BF16;
                default -> throw new IllegalArgumentException("aha.rollout.dtype must be f32, f16 or bf16, was '"
                        + value + "'");
            };
        }
    }

    public RolloutSettings {
        if (maxSequences < 0) {
            throw new IllegalArgumentException("aha.rollout.max-sequences must be >= 0 (0 = sized from the device), "
                    + "was " + maxSequences);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("aha.rollout.threads must be >= 0 (0 = the free cores), was "
                    + threads);
        }
    }

    public static RolloutSettings defaults() {
        return new RolloutSettings(0, RolloutDtype.F32, true, 0);
    }

    /** Reads {@code aha.rollout}. */
    public static RolloutSettings fromConfig(Config rollout) {
        return new RolloutSettings(rollout.getInt("max-sequences"), RolloutDtype.parse(rollout.getString("dtype")),
                rollout.getBoolean("in-flight-updates"), rollout.getInt("threads"));
    }

    /** The slots a rollout on {@code gpu} (or the CPU) gets. */
    public int sequencesFor(boolean gpu) {
        if (maxSequences > 0) {
            return maxSequences;
        }
        return gpu ? GPU_DEFAULT_SEQUENCES : CPU_DEFAULT_SEQUENCES;
    }

    /**
     * Intra-op threads for each of {@code rollouts} rollouts when a learner using {@code learnerThreads} shares the
     * JVM (0 when it does not): the cores the learner leaves, split evenly, at least one each.
     */
    public int threadsFor(int rollouts, int learnerThreads, int cores) {
        if (threads > 0) {
            return threads;
        }
        return Math.max(1, (cores - learnerThreads) / Math.max(1, rollouts));
    }
}
