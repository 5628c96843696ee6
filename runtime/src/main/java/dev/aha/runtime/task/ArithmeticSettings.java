package dev.aha.runtime.task;

import com.typesafe.config.Config;

/**
 * Difficulty knobs of the synthetic arithmetic task.
 *
 * @param minTerms fewest operands in an expression (at least 2)
 * @param maxTerms most operands
 * @param maxDigits digits per operand: operands are drawn uniformly from [0, 10^maxDigits)
 * @param operators the operators to draw from, a subset of "+-*"
 * @param allowNegativeResults when false, expressions whose value (or any step) is negative are redrawn
 */
public record ArithmeticSettings(int minTerms, int maxTerms, int maxDigits, String operators,
        boolean allowNegativeResults) {

    public ArithmeticSettings {
        if (minTerms < 2) {
            throw new IllegalArgumentException("minTerms must be at least 2, was " + minTerms);
        }
        if (maxTerms < minTerms) {
            throw new IllegalArgumentException("maxTerms (" + maxTerms + ") must be >= minTerms (" + minTerms + ")");
        }
        if (maxTerms > 8) {
            throw new IllegalArgumentException("maxTerms must be at most 8, was " + maxTerms);
        }
        if (maxDigits < 1 || maxDigits > 6) {
            throw new IllegalArgumentException("maxDigits must be in [1, 6], was " + maxDigits);
        }
        if (operators == null || operators.isEmpty() || !operators.chars().allMatch(c -> "+-*".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("operators must be a non-empty subset of \"+-*\", was \"" + operators + "\"");
        }
        if (operators.chars().distinct().count() != operators.length()) {
            throw new IllegalArgumentException("operators must not repeat, was \"" + operators + "\"");
        }
    }

    /**
     * One-digit operands, two or three terms, + and -: the default cold start (1000 SFT steps) lands near 0.72
     * held-out pass@1 at temperature 1, which leaves RL room to show (measured; see README's sweep).
     */
    public static ArithmeticSettings defaults() {
        return new ArithmeticSettings(2, 3, 1, "+-", true);
    }

    /** Reads {@code aha.task.arithmetic} (see reference.conf). */
    public static ArithmeticSettings fromConfig(Config c) {
        return new ArithmeticSettings(c.getInt("min-terms"), c.getInt("max-terms"), c.getInt("max-digits"),
                c.getString("operators"), c.getBoolean("allow-negative-results"));
    }
}
