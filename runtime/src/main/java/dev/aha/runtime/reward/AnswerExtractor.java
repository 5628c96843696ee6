package dev.aha.runtime.reward;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a completion, trying the conventions in order of how explicitly they mark it:
 * <ol>
 *   <li>the last {@code <answer>…</answer>} (R1's format); a {@code \boxed{}} inside it wins over the rest of it;</li>
 *   <li>the last {@code \boxed{…}}, braces nested to any depth (MATH's convention);</li>
 *   <li>the last {@code #### n} line (GSM8K's convention);</li>
 *   <li>the last "the answer is …" (case-insensitive), up to the end of its sentence or line.</li>
 * </ol>
 * The text is returned as written; {@link AnswerNormalizer} makes it comparable.
 */
public final class AnswerExtractor {

    private static final Pattern ANSWER_TAG = Pattern.compile("<answer>(.*?)</answer>", Pattern.DOTALL);
    private static final Pattern HASHES = Pattern.compile("####\\s*([^\\n]*)");
    private static final Pattern ANSWER_IS =
            Pattern.compile("the (?:final )?answer is[:\\s]*([^\\n]*)", Pattern.CASE_INSENSITIVE);
    private static final String BOXED = "\\boxed{";

    private AnswerExtractor() {}

    public static Optional<String> extract(String completion) {
        if (completion == null || completion.isEmpty()) {
            return Optional.empty();
        }
        String tagged = lastGroup(ANSWER_TAG.matcher(completion));
        if (tagged != null) {
            String boxed = lastBoxed(tagged);
            return nonBlank(boxed != null ? boxed : tagged);
        }
        String boxed = lastBoxed(completion);
        if (boxed != null) {
            return nonBlank(boxed);
        }
        String hashes = lastGroup(HASHES.matcher(completion));
        if (hashes != null) {
            return nonBlank(hashes);
        }
        String said = lastGroup(ANSWER_IS.matcher(completion));
        if (said != null) {
            return nonBlank(endOfSentence(said));
        }
        return Optional.empty();
    }

    /** Content of the last {@code \boxed{...}} whose braces balance; null if none does. */
    static String lastBoxed(String text) {
        int from = text.lastIndexOf(BOXED);
        while (from >= 0) {
            int start = from + BOXED.length();
            int depth = 1;
            for (int i = start; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    return text.substring(start, i);
                }
            }
            from = text.lastIndexOf(BOXED, from - 1); // unbalanced: try an earlier one
        }
        return null;
    }

    private static String lastGroup(Matcher m) {
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    /** "42. So we are done" -> "42"; keeps decimal points and thousands separators. */
    private static String endOfSentence(String s) {
        String t = s.trim();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean endsSentence = (c == '.' || c == '!' || c == '?' || c == ';')
                    && (i + 1 == t.length() || Character.isWhitespace(t.charAt(i + 1)));
            if (endsSentence) {
                return t.substring(0, i);
            }
        }
        return t;
    }

    private static Optional<String> nonBlank(String s) {
        String t = s.trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }
}
