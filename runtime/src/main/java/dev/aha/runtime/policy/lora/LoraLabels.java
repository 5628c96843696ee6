package dev.aha.runtime.policy.lora;

import dev.aha.protocol.weights.SnapshotLabel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What LoRA snapshots say of themselves on the weight plane: the base by the SHA-256 of its float32 image
 * ({@link LoraBase#sha256}), and the adapters by their base and the SHA-256 of their layout: rank, scaling and the
 * adapted layers with their sizes and orientation, everything a receiver needs to agree on to read A and B where
 * the learner wrote them. A rollout computes the layout's digest from its own {@code aha.lora} and refuses adapters
 * whose digest differs. Dropout and initialisation are left out: they change training, not the adapters' meaning.
 */
public final class LoraLabels {

    private static final String LAYOUT_FORMAT = "aha-lora-layout-1";

    private LoraLabels() {}

    /** The label of {@code policy}'s base. */
    public static SnapshotLabel base(LoraPolicy policy) {
        return SnapshotLabel.loraBase(policy.baseModel().sha256());
    }

    /** The label of {@code policy}'s adapters. */
    public static SnapshotLabel adapters(LoraPolicy policy) {
        return SnapshotLabel.loraAdapters(policy.baseModel().sha256(),
                layoutSha256(policy.settings(), policy.adapters().modules()));
    }

    /** SHA-256 (hex) of the adapters' layout: rank, scaling, then each adapted layer in order. */
    public static String layoutSha256(LoraSettings settings, List<LinearModule> modules) {
        StringBuilder text = new StringBuilder(LAYOUT_FORMAT).append('\n')
                .append("rank=").append(settings.rank()).append('\n')
                .append("scaling=").append(Double.doubleToLongBits(settings.scaling())).append('\n');
        for (LinearModule m : modules) {
            text.append(m.module()).append(' ').append(m.weight()).append(' ').append(m.in()).append(' ')
                    .append(m.out()).append(' ').append(m.inputMajor()).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The settings behind a layout, in words: "rank 16, scaling 2.0, 168 adapted layers". */
    static String describe(LoraSettings settings, List<LinearModule> modules) {
        return "rank " + settings.rank() + ", scaling " + settings.scaling() + ", " + modules.size()
                + " adapted layers";
    }
}
