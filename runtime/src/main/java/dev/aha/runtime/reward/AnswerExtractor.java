package dev.aha.runtime.reward;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a completion, the way the rule-based accuracy reward of DeepSeek-R1 reads it.
 *
 * <p>The forms, in priority order; the first form present wins and, within it, the last occurrence (a model that
 * revises itself means its last word):
 * <ol>
 *   <li>{@code <answer>...</answer>} — if its content contains a {@code \boxed{...}}, the boxed content;
 *       if blocks nest, the innermost;</li>
 *   <li>{@code \boxed{...}}, with nested braces ({@code \boxed{\frac{3}{4}}}); an unclosed box is not a box;</li>
 *   <li>a line {@code #### n}, as GSM8K writes it; a {@code ####} line whose text does not start like a number
 *       ({@code #### Step 2}) is a Markdown heading, not an answer;</li>
 *   <li>"the answer is n" (any case), up to the end of the sentence or line.</li>
 * </ol>
 * A form whose last occurrence is blank ({@code \boxed{}}) yields nothing, and the next form is tried.
 * The result is trimmed but otherwise as written; {@link AnswerNormalizer} decides what it means. Never throws, and
 * takes time linear in the completion's length (degenerate, repetitive samples are common early in RL).
 */
public final class AnswerExtractor {
    private static final String BOX_OPEN = "\\boxed{";
    private static final String ANSWER_OPEN = "<answer>";
    private static final String ANSWER_CLOSE = "</answer>";
    private static final Pattern HASH_LINE = Pattern.compile("^[ \\t]*####[ \\t]*([-+$.\\d\u2212].*?)[ \\t]*$",
            Pattern.MULTILINE);
    // The lazy group stops at a sentence-ending period (one followed by a space or the line end), so "3.5." gives 3.5.
    private static final Pattern ANSWER_IS = Pattern.compile("the\\s+(?:final\\s+)?answer\\s+is\\s*:?[ \\t]*(.+?)(?:\\.(?=\\s|$)|$)",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

    private static final List<Function<String, Optional<String>>> FORMS_BY_PRIORITY = List.of(
            AnswerExtractor::lastAnswerTag,
            AnswerExtractor::lastBoxed,
            // Literal pre-checks skip the regex scan when its anchor word is absent (most early RL samples): the
            // reward pool was the runtime's hottest code on such text.
            text -> text.contains("####") ? lastGroup(HASH_LINE, text) : Optional.empty(),
            text -> containsAsciiIgnoreCase(text, "answer") ? lastGroup(ANSWER_IS, text) : Optional.empty());

    private AnswerExtractor() {
    }

    /** The final answer of {@code completion}, trimmed but un-normalised; empty when no form yields one. */
    public static Optional<String> extract(String completion) {
        if (completion == null || completion.isEmpty()) {
            return Optional.empty();
        }
        for (Function<String, Optional<String>> form : FORMS_BY_PRIORITY) {
            Optional<String> answer = form.apply(completion).map(String::strip);
            if (answer.isPresent() && !answer.get().isEmpty()) {
                return answer;
            }
        }
        return Optional.empty();
    }

    /** The content of the last {@code <answer>} block (the innermost, if they nest), or of the last box inside it. */
    static Optional<String> lastAnswerTag(String text) {
        // indexOf rather than a regex: a degenerate completion repeating "<answer>" would make a lazy regex quadratic.
        int close = lastIndexOf(text, ANSWER_CLOSE);
        int open = close < 0 ? -1 : text.lastIndexOf(ANSWER_OPEN, close);
        if (open < 0) {
            return Optional.empty();
        }
        String inside = text.substring(open + ANSWER_OPEN.length(), close);
        return Optional.of(lastBoxed(inside).orElse(inside));
    }

    /** The content of the last well-formed {@code \boxed{...}}, braces balanced; an unclosed box is skipped. */
    static Optional<String> lastBoxed(String text) {
        int start = lastIndexOf(text, BOX_OPEN);
        if (start < 0) {
            return Optional.empty();
        }
        // One pass matching every brace, so that a completion full of unclosed boxes stays linear.
        int[] closing = matchingBraces(text);
        for (; start >= 0; start = text.lastIndexOf(BOX_OPEN, start - 1)) {
            int open = start + BOX_OPEN.length() - 1;
            if (closing[open] >= 0) {
                return Optional.of(text.substring(open + 1, closing[open]));
            }
        }
        return Optional.empty();
    }

    /**
     * For each '{' the index of its matching '}', or -1 when it is never closed; an escaped brace ({@code \{}) is
     * content, not structure.
     */
    private static int[] matchingBraces(String text) {
        int[] closing = new int[text.length()];
        Arrays.fill(closing, -1);
        int[] open = new int[text.length()];
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                open[depth++] = i;
            } else if (c == '}' && depth > 0) {
                closing[open[--depth]] = i;
            }
        }
        return closing;
    }

    /**
     * The last occurrence of {@code tag}, found by forward searches: String.indexOf is a vectorised intrinsic and
     * String.lastIndexOf a plain loop, and a tag occurs at most a few times in a completion (the reward rules were the
     * runtime's hottest code). Linear even in a completion that repeats the tag.
     */
    private static int lastIndexOf(String text, String tag) {
        int last = -1;
        for (int i = text.indexOf(tag); i >= 0; i = text.indexOf(tag, i + 1)) {
            last = i;
        }
        return last;
    }

    /** Whether {@code text} contains the lower-case ASCII {@code word} in any case (as CASE_INSENSITIVE matches). */
    static boolean containsAsciiIgnoreCase(String text, String word) {
        char first = word.charAt(0);
        char upper = Character.toUpperCase(first);
        int lower = text.indexOf(first);
        int capital = text.indexOf(upper);
        while (lower >= 0 || capital >= 0) {
            int i = lower < 0 ? capital : capital < 0 ? lower : Math.min(lower, capital);
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
            if (i == lower) {
                lower = text.indexOf(first, i + 1);
            } else {
                capital = text.indexOf(upper, i + 1);
            }
        }
        return false;
    }

    private static Optional<String> lastGroup(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return Optional.ofNullable(last);
    }
}
