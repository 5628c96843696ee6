package dev.aha.runtime.reward;

import java.util.Locale;
import java.util.Optional;

/**
 * Where the accuracy reward looks for a completion's final answer ({@code aha.reward.extract}).
 *
 * <p>{@link #STRICT} is R1's format discipline: only an answer the model marked as final counts, so the policy learns
 * to mark it. {@link #FLEXIBLE} also reads answers as real models and evaluation harnesses write them, for scoring
 * outputs of models never trained on the strict forms (a base model, another lab's checkpoint); as a training reward
 * it stops rewarding the marking itself.
 */
public enum ExtractMode {
    /** {@link AnswerExtractor}'s forms only: {@code <answer>}, {@code \boxed{}}, {@code #### n}, "the answer is". */
    STRICT,
    /** The strict forms first, then {@link FlexibleAnswerExtractor}'s: answer labels, the last line, the last number. */
    FLEXIBLE;

    /** The final answer of {@code completion} in this mode, trimmed but un-normalised; never throws. */
    public Optional<String> extract(String completion) {
        return this == STRICT ? AnswerExtractor.extract(completion) : FlexibleAnswerExtractor.extract(completion);
    }

    /** The name as configuration writes it: {@code strict} or {@code flexible}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@code strict} or {@code flexible} (any case).
     *
     * @param where the key or option the value came from, named in the error
     * @throws IllegalArgumentException naming {@code where} and the value, for anything else
     */
    public static ExtractMode parse(String value, String where) {
        for (ExtractMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException(where + " must be strict or flexible, was '" + value + "'");
    }
}
