package dev.aha.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.runtime.rollout.KvBudget;
import java.util.Locale;

/**
 * The {@code weight_plane} section of {@code aha bench model}: one version of the model over the weight plane on IPC
 * against one memcpy of its bytes, and under LoRA one version of the adapters alone the same way, on their stream
 * (what a LoRA run sends each version after the base).
 */
final class PlaneSection {

    private PlaneSection() {}

    /**
     * Whether a snapshot of {@code bytes} can be moved here: the image, the publication's term buffers and the
     * subscriber's assembly each hold a copy.
     */
    static boolean fits(long bytes) {
        return KvBudget.availableHostBytes() >= 3 * bytes;
    }

    /**
     * @param snapshot the whole image, or null where it does not {@link #fits}
     * @param adapters the adapters' image, or null without LoRA
     * @return whether every transfer arrived intact
     */
    static boolean write(ObjectNode out, WeightPlaneSettings plane, long snapshotBytes, FlatWeights snapshot,
            FlatWeights adapters, int repeat) throws Exception {
        ObjectNode w = out.putObject("weight_plane");
        w.put("wire_dtype", plane.wireDtype().configName());
        boolean clean = true;
        if (snapshot == null) {
            w.put("skipped", String.format(Locale.ROOT, "the %.1f GB snapshot: moving it needs about %.1f GB, "
                    + "%.1f GB were available", snapshotBytes / 1e9, 3 * snapshotBytes / 1e9,
                    KvBudget.availableHostBytes() / 1e9));
        } else {
            clean = transfer(w, "", plane, SnapshotLabel.full(), snapshot, repeat);
        }
        if (adapters != null) {
            w.put("adapter_bytes", adapters.size());
            // the label's digests only name the adapters: the bench's subscriber takes any
            SnapshotLabel label = SnapshotLabel.loraAdapters("0".repeat(63) + "1", "0".repeat(63) + "2");
            clean &= transfer(w, "adapters_", plane.forAdapters(), label, adapters, repeat);
        }
        return clean;
    }

    private static boolean transfer(ObjectNode w, String prefix, WeightPlaneSettings plane, SnapshotLabel label,
            FlatWeights image, int repeat) throws Exception {
        double memcpy = Stats.median(PlaneTimer.memcpy(image, 1, repeat));
        PlaneTimer.Result ipc = PlaneTimer.aeron(image, plane, label, 1, repeat);
        double ipcSeconds = Stats.median(ipc.seconds());
        w.put(prefix + "ipc_seconds", ipcSeconds);
        w.put(prefix + "memcpy_seconds", memcpy);
        w.put(prefix + "ipc_over_memcpy_time", ipcSeconds / memcpy);
        w.put(prefix + "crc_ok", ipc.clean());
        return ipc.clean();
    }
}
