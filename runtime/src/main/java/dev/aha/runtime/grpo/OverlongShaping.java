package dev.aha.runtime.grpo;

/**
 * DAPO's overlong reward shaping (Yu et al. 2025, §3.4): a completion cut at the length cap may be a sound chain of
 * thought that ran out of room, so punishing it as wrong adds noise to the reward. Two remedies, each optional:
 * <ul>
 *   <li>soft overlong punishment, added to the rule-based reward: 0 up to {@code maxLength - buffer} tokens, then
 *       falling linearly to {@code -penalty} at {@code maxLength}, and {@code -penalty} beyond (eq. 13):
 *       <pre>
 *   R_length(y) = 0                                        |y| &lt;= L_max - L_cache
 *               = penalty * ((L_max - L_cache) - |y|) / L_cache   L_max - L_cache &lt; |y| &lt;= L_max
 *               = -penalty                                 L_max &lt; |y|
 *       </pre>
 *       so the policy learns to stop before the cap without a cliff at it;</li>
 *   <li>overlong filtering: completions cut at the cap are left out of the loss (they still count in their group's
 *       mean and std, as in DAPO, so the other completions' advantages are unchanged).</li>
 * </ul>
 *
 * @param maxLength L_max: the completion length cap in tokens (aha.sampling.max-new-tokens)
 * @param buffer L_cache: the last tokens before the cap over which the punishment grows; 0 = no punishment
 * @param penalty the punishment at the cap and beyond (DAPO: 1, what a right answer earns)
 * @param filter whether completions cut at the cap are masked out of the loss
 */
public record OverlongShaping(int maxLength, int buffer, double penalty, boolean filter) {

    /** Neither remedy: lengths change no reward and every completion is in the loss. */
    public static final OverlongShaping OFF = new OverlongShaping(Integer.MAX_VALUE, 0, 1.0, false);

    public OverlongShaping {
        if (maxLength < 1) {
            throw new IllegalArgumentException("the completion length cap must be at least 1 token, was " + maxLength);
        }
        if (buffer < 0 || buffer > maxLength) {
            throw new IllegalArgumentException("aha.grpo.overlong.buffer must be between 0 and "
                    + "aha.sampling.max-new-tokens (" + maxLength + "), was " + buffer);
        }
        // 0 would make a punishment that punishes nothing: turning it off is buffer = 0, said once
        if (!(penalty > 0 && penalty <= 100)) {
            throw new IllegalArgumentException("aha.grpo.overlong.penalty must be in (0, 100] (buffer = 0 turns the "
                    + "punishment off), was " + penalty);
        }
    }

    public boolean punishes() {
        return buffer > 0;
    }

    /**
     * What a completion of {@code length} tokens (its end token included when drawn) adds to its reward: 0, or a
     * punishment in [-penalty, 0).
     */
    public double reward(int length) {
        if (buffer == 0) {
            return 0;
        }
        int free = maxLength - buffer;
        if (length <= free) {
            return 0;
        }
        if (length > maxLength) {
            return -penalty;
        }
        return penalty * (free - length) / buffer;
    }
}
