package dev.aha.runtime.reward;

import java.util.Optional;

/**
 * Numbers in free text as lm-evaluation-harness's GSM8K "flexible-extract" reads them: digits with the thousands
 * commas, decimal point or fraction slash between them, a {@code $} and a minus sign that is not a subtraction before,
 * a {@code %} after. Each scan is one pass over the text.
 */
final class NumberScan {

    private NumberScan() {
    }

    /**
     * The last number in {@code text} ({@link #numberAt}), as lm-evaluation-harness's flexible-extract takes it;
     * empty when the text has no digit.
     */
    static Optional<String> last(String text) {
        int digit = text.length() - 1;
        while (digit >= 0 && !isDigit(text.charAt(digit))) {
            digit--;
        }
        return digit < 0 ? Optional.empty() : Optional.of(numberAt(text, digit));
    }

    /** The first number in {@code text} ({@link #numberAt}); empty when the text has no digit. */
    static Optional<String> first(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isDigit(text.charAt(i))) {
                return Optional.of(numberAt(text, i));
            }
        }
        return Optional.empty();
    }

    /**
     * The number that the digit at {@code digit} belongs to: digits and the separators {@code , . /} that stand
     * between two digits on both sides of it, then a {@code $} and a minus sign that is not a subtraction before it
     * ({@code 16-3} gives 3), and a {@code %} right after it.
     */
    private static String numberAt(String text, int digit) {
        int start = digit;
        while (start > 0) {
            char c = text.charAt(start - 1);
            if (isDigit(c) || (isSeparator(c) && start >= 2 && isDigit(text.charAt(start - 2)))) {
                start--;
            } else {
                break;
            }
        }
        int end = digit + 1;
        while (end < text.length()) {
            char c = text.charAt(end);
            if (isDigit(c) || (isSeparator(c) && end + 1 < text.length() && isDigit(text.charAt(end + 1)))) {
                end++;
            } else {
                break;
            }
        }
        if (start > 0 && text.charAt(start - 1) == '$') {
            start--;
        }
        if (start > 0 && isMinus(text.charAt(start - 1)) && (start == 1 || !isOperand(text.charAt(start - 2)))) {
            start--;
        }
        if (end < text.length() && text.charAt(end) == '%') {
            end++;
        }
        return text.substring(start, end);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSeparator(char c) {
        return c == ',' || c == '.' || c == '/';
    }

    private static boolean isMinus(char c) {
        return c == '-' || c == '\u2212';
    }

    /** A character that makes a minus after it a subtraction: the end of a number, a name or a bracket. */
    private static boolean isOperand(char c) {
        return Character.isLetterOrDigit(c) || c == ')' || c == ']' || c == '}';
    }

    /** Whether {@code s} holds a digit. */
    static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isDigit(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
