package dev.aha.runtime.reward;

import java.util.Optional;

/**
 * Finds the program in a completion, for either template a code task uses: the content of the last
 * {@code <answer>…</answer>} block (R1's format), and within that (or within the whole completion when there is no
 * answer block) the last fenced code block ({@code ```python … ```}) if there is one. No answer block and no fence:
 * no program, which scores as failed without running anything.
 */
public final class CodeExtractor {

    private static final String ANSWER_OPEN = "<answer>";
    private static final String ANSWER_CLOSE = "</answer>";
    private static final String FENCE = "```";

    private CodeExtractor() {}

    public static Optional<String> extract(String completion) {
        // indexOf rather than regexes: a degenerate completion repeating a tag must not make matching quadratic.
        int close = completion.lastIndexOf(ANSWER_CLOSE);
        int open = close < 0 ? -1 : completion.lastIndexOf(ANSWER_OPEN, close);
        String answer = open < 0 ? null : completion.substring(open + ANSWER_OPEN.length(), close);
        Optional<String> fenced = lastFence(answer != null ? answer : completion);
        if (fenced.isPresent()) {
            return fenced;
        }
        // Strip: R1's template writes "<answer> x </answer>", and an indented first line would not compile.
        return answer == null || answer.isBlank() ? Optional.empty() : Optional.of(answer.strip() + "\n");
    }

    /** The body of the last closed fence, without its info string ({@code python}, {@code py3}, ...). */
    private static Optional<String> lastFence(String text) {
        int end = text.lastIndexOf(FENCE);
        // The opening fence ends before the closing one begins: "``````" is not a fence around nothing.
        int start = end < FENCE.length() ? -1 : text.lastIndexOf(FENCE, end - FENCE.length());
        if (start < 0) {
            return Optional.empty();
        }
        String body = text.substring(start + FENCE.length(), end);
        int newline = body.indexOf('\n');
        if (newline < 0) {
            return Optional.empty(); // ```inline``` is not a code block
        }
        String info = body.substring(0, newline).strip();
        if (!info.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '+' || c == '_')) {
            return Optional.empty();
        }
        String code = body.substring(newline + 1);
        return code.isBlank() ? Optional.empty() : Optional.of(code);
    }
}
