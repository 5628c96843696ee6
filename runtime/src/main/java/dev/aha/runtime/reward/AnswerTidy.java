package dev.aha.runtime.reward;

import java.util.Optional;

/**
 * What {@link FlexibleAnswerExtractor} makes of the text after an answer label, inside a bold span or after an
 * {@code =}: the answer itself, without the equation before it, a label of words, the rest of its sentence or a final
 * period.
 */
final class AnswerTidy {
    /** Outside an equation, text of this many words or more is a sentence, read for its last number. */
    private static final int SENTENCE_WORDS = 3;

    private AnswerTidy() {
    }

    /**
     * Tidies a candidate: bold marks at its ends dropped; after its own last {@code =}; after a leading label of words
     * ({@code Total cost: $18}); cut at the end of its sentence. Then, unless it reads as one number with its units,
     * text with a number is read for one number: after an {@code =}, any words make it the first, the equation's
     * result ({@code = 15 liters out of the 24}, {@code = 8 in 3 years}); elsewhere a sentence of three words or more
     * gives the last ({@code The total is 18 dollars}). {@code = (1, 2)} and {@code Answer: x + 1} stay whole.
     */
    static String tidy(String candidate) {
        String s = stripBoldMarks(candidate);
        int equals = s.lastIndexOf('=');
        if (equals >= 0) {
            s = stripBoldMarks(s.substring(equals + 1));
        }
        int colon = s.indexOf(':');
        if (colon > 0 && isWords(s, colon)) {
            s = stripBoldMarks(s.substring(colon + 1));
        }
        s = withoutFinalPeriods(s.substring(0, sentenceEnd(s)));
        if (AnswerNormalizer.value(s).isPresent()) {
            return s; // a number with its units: 18 dollars per day, \frac{3}{4} cup
        }
        int words = words(s);
        Optional<String> number = equals >= 0 && words >= 1 ? NumberScan.first(s)
                : words >= SENTENCE_WORDS ? NumberScan.last(s) : Optional.empty();
        return number.orElse(s);
    }

    /** A period that ends the text ends a sentence: a decimal point has digits after it ({@code $18.} is $18). */
    private static String withoutFinalPeriods(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '.' || Character.isWhitespace(s.charAt(end - 1)))) {
            end--;
        }
        return s.substring(0, end).strip();
    }

    private static String stripBoldMarks(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '*' || Character.isWhitespace(s.charAt(start)))) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '*' || Character.isWhitespace(s.charAt(end - 1)))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Whether {@code s} up to {@code end} is only letters and spaces (a label such as {@code Total cost}). */
    private static boolean isWords(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (!Character.isLetter(c) && c != ' ') {
                return false;
            }
        }
        return true;
    }

    /**
     * The index where the first sentence of {@code s} ends: a {@code ". "}, {@code "; "} or {@code ", "} outside
     * brackets (thousands commas have no space after them), the start of a parenthetical remark
     * ({@code 4 (checked twice)}), or the end.
     */
    private static int sentenceEnd(String s) {
        int depth = 0;
        for (int i = 0; i + 1 < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' && depth == 0 && i > 0 && Character.isWhitespace(s.charAt(i - 1))) {
                return i;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                depth--;
            } else if (depth == 0 && (c == '.' || c == ';' || c == ',') && Character.isWhitespace(s.charAt(i + 1))) {
                return i;
            }
        }
        return s.length();
    }

    /** Whitespace-separated tokens with at least two letters ({@code 18 dollars} has one; {@code \frac{3}{4}} one). */
    private static int words(String s) {
        int words = 0;
        int letters = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || Character.isWhitespace(s.charAt(i))) {
                if (letters >= 2) {
                    words++;
                }
                letters = 0;
            } else if (Character.isLetter(s.charAt(i))) {
                letters++;
            }
        }
        return words;
    }
}
