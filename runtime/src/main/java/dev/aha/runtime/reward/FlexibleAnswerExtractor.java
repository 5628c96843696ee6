package dev.aha.runtime.reward;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer the way evaluation harnesses' flexible extraction reads real models' solutions
 * ({@link ExtractMode#FLEXIBLE}).
 *
 * <p>The forms, in priority order; the first that yields an answer wins:
 * <ol>
 *   <li>the strict forms of {@link AnswerExtractor}, unchanged;</li>
 *   <li>the last line that starts with an answer label: {@code Answer: 18}, {@code A: 18},
 *       {@code Final answer: 18}, also in bold ({@code **Answer:** 18}) or after a Markdown heading mark;</li>
 *   <li>on the last non-blank line, the last bold span that holds a digit ({@code So she earns **$18**.});</li>
 *   <li>on the last non-blank line, what follows the last {@code =} if it holds a digit ({@code 9 * 2 = $18.});
 *       GSM8K's calculator annotations ({@code <<9*2=18>>}) are not read on that line;</li>
 *   <li>the last number anywhere in the text, as lm-evaluation-harness's GSM8K "flexible-extract" takes it:
 *       digits with their thousands commas, decimal point or fraction slash, a {@code $} or minus sign before and a
 *       {@code %} after.</li>
 * </ol>
 * What a label, a bold span or an {@code =} gives is tidied the same way: after its own last {@code =}
 * ({@code Answer: 16 - 7 = 9 eggs} is 9 eggs) or a leading label of words ({@code **Total cost: $18**}), cut at the
 * end of its sentence or before a remark in brackets, without a final period; and unless it then reads as one number
 * with units, text with a number gives one number: after an {@code =} the first, the equation's result
 * ({@code = 15 liters out of the 24 liters} is 15), else, in a sentence of three words or more, the last
 * ({@code Answer: The total is 18 dollars} is 18).
 * The last-line forms need a digit because they are guesses at a number; a labelled answer is taken as written
 * ({@code Answer: Paris}).
 *
 * <p>Never throws, and takes time linear in the completion's length, like the strict extractor: every form is one
 * forward or backward scan; the label pattern is anchored at line starts with no nested repetition, and an
 * annotation's scan stops at the next {@code <} or {@code >}.
 */
public final class FlexibleAnswerExtractor {
    /** A line starting with an answer label; group 1 is the rest of the line (trimmed by the caller, not the regex). */
    private static final Pattern LABEL_LINE = Pattern.compile(
            "^[ \\t>*#_]*(?:final[ \\t]+)?(?:answer|a)[ \\t]*[*_]*[ \\t]*[:\uFF1A][ \\t*_]*(.*)$",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
    /**
     * GSM8K's calculator annotations ({@code 9*2=<<9*2=18>>18}), which models tuned on it write too: their inner
     * {@code =} is not the line's answer.
     */
    private static final Pattern CALCULATOR_ANNOTATION = Pattern.compile("<<[^<>\n]*>>");
    private static final String BOLD = "**";
    /** Outside an equation, text of this many words or more is a sentence, read for its last number. */
    private static final int SENTENCE_WORDS = 3;

    private FlexibleAnswerExtractor() {
    }

    /** The final answer of {@code completion}, trimmed but un-normalised; empty when no form yields one. */
    public static Optional<String> extract(String completion) {
        Optional<String> strict = AnswerExtractor.extract(completion);
        if (strict.isPresent() || completion == null || completion.isBlank()) {
            return strict;
        }
        Optional<String> labelled = labelled(completion);
        if (labelled.isPresent()) {
            return labelled;
        }
        String lastLine = CALCULATOR_ANNOTATION.matcher(lastLine(completion)).replaceAll("");
        return lastBold(lastLine).or(() -> afterLastEquals(lastLine)).or(() -> lastNumber(completion));
    }

    /** The tidied content of the last labelled line; empty when there is none or its content is blank. */
    static Optional<String> labelled(String text) {
        if (text.indexOf(':') < 0 && text.indexOf('\uFF1A') < 0) {
            return Optional.empty();
        }
        Matcher m = LABEL_LINE.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last == null ? Optional.empty() : nonBlank(tidy(last));
    }

    /** The content of the last complete {@code **...**} span of {@code line}, if it holds a digit. */
    static Optional<String> lastBold(String line) {
        int count = 0;
        int[] lastThree = {-1, -1, -1};
        for (int i = line.indexOf(BOLD); i >= 0; i = line.indexOf(BOLD, i + BOLD.length())) {
            count++;
            lastThree[0] = lastThree[1];
            lastThree[1] = lastThree[2];
            lastThree[2] = i;
        }
        if (count < 2) {
            return Optional.empty();
        }
        // Marks pair up from the left: with an odd count the last one opens a span that never closes.
        int open = count % 2 == 0 ? lastThree[1] : lastThree[0];
        int close = count % 2 == 0 ? lastThree[2] : lastThree[1];
        return withDigit(tidy(line.substring(open + BOLD.length(), close)));
    }

    /** What follows the last {@code =} of {@code line}, to the end of its sentence, if it holds a digit. */
    static Optional<String> afterLastEquals(String line) {
        int at = line.lastIndexOf('=');
        // Tidied with its '=', so that a sentence after it gives the equation's result, its first number.
        return at < 0 ? Optional.empty() : withDigit(tidy(line.substring(at)));
    }

    /**
     * The last number in {@code text} ({@link #numberAt}), as lm-evaluation-harness's flexible-extract takes it;
     * empty when the text has no digit.
     */
    static Optional<String> lastNumber(String text) {
        int digit = text.length() - 1;
        while (digit >= 0 && !isDigit(text.charAt(digit))) {
            digit--;
        }
        return digit < 0 ? Optional.empty() : Optional.of(numberAt(text, digit));
    }

    /** The first number in {@code text} ({@link #numberAt}); empty when the text has no digit. */
    static Optional<String> firstNumber(String text) {
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
        Optional<String> number = equals >= 0 && words >= 1 ? firstNumber(s)
                : words >= SENTENCE_WORDS ? lastNumber(s) : Optional.empty();
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

    /** The last line of {@code text} that is not blank (the text is known not to be blank). */
    private static String lastLine(String text) {
        int end = text.length();
        while (end > 0) {
            int start = text.lastIndexOf('\n', end - 1) + 1;
            String line = text.substring(start, end);
            if (!line.isBlank()) {
                return line;
            }
            end = start - 1;
        }
        return "";
    }

    private static Optional<String> withDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isDigit(s.charAt(i))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> nonBlank(String s) {
        return s.isBlank() ? Optional.empty() : Optional.of(s);
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
}
