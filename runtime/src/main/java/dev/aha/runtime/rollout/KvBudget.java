package dev.aha.runtime.rollout;

import ai.djl.ndarray.types.DataType;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.WeightMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the rollouts of one node need in memory, checked before any is started: each holds one KV cache of
 * {@code slots x context} positions and a copy of the weights in its dtype. A cache that cannot fit is refused at
 * start-up with its sizes, never found out mid-run.
 */
public final class KvBudget {

    private KvBudget() {}

    /** Bytes one rollout allocates: its slot cache and its weights. */
    public static long bytesPerRollout(PolicyFactory policy, int slots, DataType type) {
        return cacheBytes(policy, slots, type) + policy.layout().totalBytes() / Float.BYTES * type.getNumOfBytes();
    }

    static long cacheBytes(PolicyFactory policy, int slots, DataType type) {
        return policy.kvShape().bytes(slots, policy.contextLength(), WeightMath.activationType(type));
    }

    /**
     * @param available bytes the device has free now
     * @throws IllegalArgumentException naming the sizes and the keys that change them, when they do not fit
     */
    public static void require(PolicyFactory policy, int slots, DataType type, int rollouts, long available) {
        long each = bytesPerRollout(policy, slots, type);
        long total = each * rollouts;
        if (total > available) {
            var kv = policy.kvShape();
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the rollouts do not fit in memory: %d rollout(s) x (a KV cache of %d sequences x %d positions x "
                            + "%d layers x %d kv heads x %d dims x 2 (keys, values) in %s = %s, plus the weights' copy) "
                            + "= %s, and %s are available; lower aha.rollout.max-sequences, aha.policy.context-length "
                            + "or aha.train.rollouts",
                    rollouts, slots, policy.contextLength(), kv.layers(), kv.kvHeads(), kv.headDim(),
                    WeightMath.activationType(type),
                    gib(cacheBytes(policy, slots, type)), gib(total), gib(available)));
        }
    }

    /** The host's MemAvailable (Linux), or the JVM's view of free physical memory elsewhere. */
    public static long availableHostBytes() {
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) {
            try {
                for (String line : Files.readAllLines(meminfo)) {
                    if (line.startsWith("MemAvailable:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + meminfo, e);
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
