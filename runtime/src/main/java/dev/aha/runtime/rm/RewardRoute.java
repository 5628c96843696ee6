package dev.aha.runtime.rm;

import java.util.Locale;

/** Which reward scores a prompt: the rules, the reward model, or their sum (R1's last stage mixes them per prompt). */
public enum RewardRoute {
    RULE, MODEL, BOTH;

    public boolean usesRules() {
        return this != MODEL;
    }

    public boolean usesModel() {
        return this != RULE;
    }

    /** {@code rule}, {@code model} or {@code both}; {@code where} names the setting or line in the message. */
    public static RewardRoute parse(String text, String where) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " must be rule, model or both, was '" + text + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
