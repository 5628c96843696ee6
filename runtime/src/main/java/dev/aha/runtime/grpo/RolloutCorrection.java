package dev.aha.runtime.grpo;

import java.util.Locale;

/**
 * Whether, and how, the loss corrects for rollouts whose log-probs differ from the learner's: rollouts that sample
 * with narrower weights (bf16, f16) than the learner's f32, or with an older version in an asynchronous run.
 *
 * <p>With a correction on, the loss anchors its clipped ratio at the proximal policy pi_prox (the learner's own
 * log-probs before this step's update, detached) instead of the behaviour policy, and weights each token's surrogate
 * by the importance weight w = pi_prox / pi_behaviour (decoupled PPO, as in AReaL; truncated and masked importance
 * sampling, as in veRL). See {@link GrpoLoss}.
 *
 * @param mode what happens to a token whose importance weight exceeds the cap
 * @param cap C, the largest importance weight a token keeps (veRL's default: 2.0); at least 1
 */
public record RolloutCorrection(Mode mode, double cap) {

    /** The behaviour policy anchors the ratio and no token is reweighted: the paper's loss. */
    public static final RolloutCorrection NONE = new RolloutCorrection(Mode.NONE, 2.0);

    public enum Mode {
        /** rho = pi_theta / pi_behaviour; no importance weight. */
        NONE,
        /** Truncated importance sampling: w capped at C. */
        TIS,
        /** Masked importance sampling: tokens with w &gt; C leave the loss, the rest keep their w. */
        MIS
    }

    public RolloutCorrection {
        if (mode == null) {
            throw new IllegalArgumentException("aha.grpo.rollout-correction must be none, tis or mis");
        }
        // below 1 a perfectly matched rollout (w = 1) would be capped or masked
        if (!(cap >= 1 && cap < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("aha.grpo.rollout-correction-cap must be a number >= 1, was " + cap);
        }
    }

    /** Reads {@code none | tis | mis} as written in the configuration. */
    public static RolloutCorrection of(String mode, double cap) {
        Mode m = switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> Mode.NONE;
            case "tis" -> Mode.TIS;
            case "mis" -> Mode.MIS;
            default -> throw new IllegalArgumentException(
                    "aha.grpo.rollout-correction must be none, tis or mis, was '" + mode + "'");
        };
        return new RolloutCorrection(m, cap);
    }

    /** Whether the loss uses the proximal policy and importance weights. */
    public boolean corrects() {
        return mode != Mode.NONE;
    }

    /** The name as the configuration writes it. */
    public String configName() {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
