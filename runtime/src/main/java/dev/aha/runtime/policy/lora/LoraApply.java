package dev.aha.runtime.policy.lora;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * How a rollout applies each version's LoRA adapters to its replica ({@code aha.lora.rollout-apply}): the weight
 * plane brings the base once and then the adapters alone.
 */
public enum LoraApply {
    /**
     * Into the weights: each adapted weight is rewritten as base + s B A, from a copy of the base kept in the
     * replica's type (never from the last merged weights, so nothing drifts), rounded to the replica's type once per
     * version. Decoding costs what it costs without LoRA; each version costs one pass over the adapted weights and
     * the kept copy costs their memory once more.
     */
    MERGED,
    /**
     * Beside the weights: every adapted layer adds the rank-r product s (x A^T) B^T in float32 at every decode step
     * (PEFT's unmerged forward). A version costs a copy of megabytes; every step costs two small products per layer.
     */
    UNMERGED,
    /**
     * Beside the learner's own frozen base: a rollout in the learner's JVM decodes over the very tensors the learner
     * holds (no replica of the base, nothing of it on the weight plane), adding each version's adapters as
     * {@link #UNMERGED} does. Only where every rollout runs in the learner's JVM, in the base's type.
     */
    SHARED;

    /** Reads {@code rollout-apply} of {@code aha.lora}. */
    public static LoraApply fromConfig(Config lora) {
        return parse(lora.getString("rollout-apply"));
    }

    public static LoraApply parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "merged" -> MERGED;
            case "unmerged" -> UNMERGED;
            case "shared" -> SHARED;
            default -> throw new IllegalArgumentException("aha.lora.rollout-apply must be merged, unmerged or shared, "
                    + "was '" + name + "'");
        };
    }
}
