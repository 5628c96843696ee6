package dev.aha.runtime.grpo;

/** How per-token loss terms become one scalar. */
public enum LossAggregation {
    /** Mean over each sequence's tokens, then mean over sequences: the GRPO paper (DeepSeekMath eq. 3). */
    SEQUENCE_MEAN,
    /** One mean over every completion token in the batch: DAPO, so long sequences are not down-weighted. */
    TOKEN_MEAN,
    /**
     * Sum over tokens divided by a constant (sequences x max completion length): Dr. GRPO, which removes the length
     * bias; it pairs with advantages that are not divided by the group's std.
     */
    DR_GRPO
}
