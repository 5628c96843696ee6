package dev.aha.runtime.policy.lora;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.runtime.policy.Policy;
import java.util.List;

/**
 * LoRA on a rollout's replica, fed as the weight plane feeds it: the frozen base once, then each version's adapters
 * (A then B of each adapted layer, float32). Adapters are checked before they are applied: their layout must be the
 * one this node's {@code aha.lora} gives the model, and their base the one the replica holds; until a base is
 * loaded there is nothing to apply them to. They are applied as {@link LoraApply} says: merged into the weights
 * ({@link MergedBase}), or computed beside them at every step through a {@link LoraPolicy} over the replica.
 */
public final class RolloutAdapters implements AutoCloseable {

    private final Policy replica;
    private final LoraPolicy adapted;
    private final MergedBase merged;
    private final String layoutSha256;
    private final String layoutInWords;
    private String baseSha256;
    private boolean shared;

    private RolloutAdapters(Policy replica, LoraPolicy adapted, LoraApply apply) {
        this.replica = replica;
        this.adapted = adapted;
        List<LinearModule> modules = adapted.adapters().modules();
        this.merged = apply == LoraApply.MERGED ? new MergedBase(replica, modules) : null;
        this.layoutSha256 = LoraLabels.layoutSha256(adapted.settings(), modules);
        this.layoutInWords = LoraLabels.describe(adapted.settings(), modules);
    }

    /**
     * Adapters as {@code settings} lay them out on {@code replica} (whose weights it then writes, but does not own).
     *
     * @throws IllegalArgumentException when the replica takes no adapters or the settings do not fit it
     */
    public static RolloutAdapters over(Policy replica, LoraSettings settings, LoraApply apply) {
        return new RolloutAdapters(replica, LoraPolicy.onReplica(replica, settings), apply);
    }

    /**
     * Adapters beside a policy over the learner's own base ({@link LoraApply#SHARED}), whose SHA-256 is
     * {@code baseSha256}: the base is there from the start, and no other may be loaded.
     */
    public static RolloutAdapters overShared(Policy sharing, LoraSettings settings, String baseSha256) {
        RolloutAdapters adapters = over(sharing, settings, LoraApply.SHARED);
        adapters.baseSha256 = baseSha256;
        adapters.shared = true;
        return adapters;
    }

    /** What decodes: the replica itself when adapters are merged into it, else the replica with adapters beside. */
    public Policy sampler() {
        return merged != null ? replica : adapted;
    }

    /** Size of the adapters' float32 image. */
    public long adapterBytes() {
        return adapted.layout().totalBytes();
    }

    public boolean hasBase() {
        return baseSha256 != null;
    }

    /**
     * Loads the base, the float32 image of SHA-256 {@code sha256}, into the replica (rounded to its type), replacing
     * whatever it held: it samples the base alone until the next adapters.
     */
    public void loadBase(FlatWeights base, String sha256) {
        if (shared) {
            throw new IllegalStateException("this rollout decodes over the learner's own base: it loads no other");
        }
        replica.importWeights(base);
        if (merged != null) {
            merged.keepBase();
        }
        baseSha256 = sha256;
    }

    /**
     * Why adapters labelled {@code label} must not be applied here, in one line; null when they fit. Call once the
     * base is loaded: before that no base can be compared.
     */
    public String refusal(SnapshotLabel label) {
        return switch (label.kind()) {
            case FULL -> "this rollout takes a LoRA base and adapters (aha.lora.rank " + adapted.settings().rank()
                    + "): every node must share aha.lora";
            case LORA_BASE -> shared ? "this rollout decodes over the learner's own base in this JVM "
                    + "(aha.lora.rollout-apply = shared)" : null;
            case LORA_ADAPTERS -> !label.layoutSha256().equals(layoutSha256)
                    ? "they are laid out for other LoRA settings (layout " + SnapshotLabel.abbreviated(
                            label.layoutSha256()) + "; this rollout's aha.lora gives " + layoutInWords + ", layout "
                            + SnapshotLabel.abbreviated(layoutSha256) + "): every node must share aha.lora"
                    : baseSha256 != null && !label.baseSha256().equals(baseSha256)
                    ? "they were trained on the base of SHA-256 " + SnapshotLabel.abbreviated(label.baseSha256())
                            + ", this rollout holds the base of SHA-256 " + SnapshotLabel.abbreviated(baseSha256)
                            + " (another model, or another starting point)"
                    : null;
        };
    }

    /**
     * Applies a version's adapters; {@link #refusal} must have passed them.
     *
     * @throws IllegalStateException before a base is loaded
     */
    public void loadAdapters(FlatWeights adapters) {
        if (!hasBase()) {
            throw new IllegalStateException("adapters arrived before their base: a rollout waits for the base");
        }
        adapted.importWeights(adapters);
        if (merged != null) {
            merged.merge(adapted.adapters());
        }
    }

    /** Frees the adapters and the kept base; the replica is its owner's to close. */
    @Override
    public void close() {
        if (merged != null) {
            merged.close();
        }
        adapted.adapters().close();
    }
}
