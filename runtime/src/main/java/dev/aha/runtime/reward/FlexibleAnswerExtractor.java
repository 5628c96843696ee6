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
        return lastBold(lastLine).or(() -> afterLastEquals(lastLine)).or(() -> NumberScan.last(completion));
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
        return last == null ? Optional.empty() : nonBlank(AnswerTidy.tidy(last));
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
        return withDigit(AnswerTidy.tidy(line.substring(open + BOLD.length(), close)));
    }

    /** What follows the last {@code =} of {@code line}, to the end of its sentence, if it holds a digit. */
    static Optional<String> afterLastEquals(String line) {
        int at = line.lastIndexOf('=');
        // Tidied with its '=', so that a sentence after it gives the equation's result, its first number.
        return at < 0 ? Optional.empty() : withDigit(AnswerTidy.tidy(line.substring(at)));
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
        return NumberScan.hasDigit(s) ? Optional.of(s) : Optional.empty();
    }

    private static Optional<String> nonBlank(String s) {
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
