package dev.aha.protocol.weights;

/**
 * What a weight snapshot holds. Without LoRA every version is the whole policy; under LoRA the learner sends the
 * frozen base once (and again to a subscriber that joins later) on the plane's data stream, and each version's
 * adapters on a stream of their own ({@code aha.weights.adapter-stream-id}). Every chunk header names the kind, and
 * a subscriber made for one kind refuses the others rather than load adapters as a model or a base as a version.
 */
public enum SnapshotKind {
    /** The whole policy in its layout: what a rollout samples from as it is. */
    FULL(1, "a whole policy"),
    /** The frozen base LoRA adapters go onto, in the policy's layout: sampled only with adapters on top. */
    LORA_BASE(2, "a LoRA base"),
    /** LoRA adapters, A then B of each adapted layer in the base's layout order. */
    LORA_ADAPTERS(3, "LoRA adapters");

    /** The value in every chunk header. */
    final int code;
    private final String description;

    SnapshotKind(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The kind a chunk header names, or null for a code no kind has. */
    static SnapshotKind fromCode(int code) {
        for (SnapshotKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }

    /** In words, for refusals: "a LoRA base". */
    public String description() {
        return description;
    }
}
