package dev.aha.runtime.reward;

import java.util.List;
import java.util.Locale;

/**
 * The format reward of DeepSeek-R1: 1.0 when the completion is exactly
 * <pre>
 *   [whitespace] &lt;think&gt; reasoning &lt;/think&gt; [whitespace] &lt;answer&gt; answer &lt;/answer&gt; [whitespace]
 * </pre>
 * with non-blank reasoning and answer, each of the four tags appearing once (no nested or stray {@code think} /
 * {@code answer} tags, in any letter case) and nothing else outside; otherwise 0.0.
 *
 * <p>The rule is deliberately strict and looks at the completion alone. A pipeline that prefills {@code <think>}
 * into the prompt (after "Assistant:") must put it back in front of the completion before scoring; this class does
 * not guess, because a lenient rule is one the policy learns to exploit.
 */
public final class FormatReward implements RewardFunction {
    public static final String NAME = "format";

    private static final String THINK_OPEN = "<think>";
    private static final String THINK_CLOSE = "</think>";
    private static final String ANSWER_OPEN = "<answer>";
    private static final String ANSWER_CLOSE = "</answer>";
    private static final List<String> TAGS = List.of(THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RewardRange range() {
        return RewardRange.UNIT;
    }

    @Override
    public double score(RewardInput input) {
        return isWellFormed(input.completion()) ? 1.0 : 0.0;
    }

    /** Whether {@code completion} has exactly the think-then-answer shape described above. */
    public static boolean isWellFormed(String completion) {
        String s = completion.strip();
        if (!s.startsWith(THINK_OPEN) || !s.endsWith(ANSWER_CLOSE)) {
            return false; // checked first: cheap, and most malformed samples fail here without a lower-case copy
        }
        // Case-insensitive counting, so that a stray <Answer> inside the reasoning also fails.
        String lower = s.toLowerCase(Locale.ROOT);
        for (String tag : TAGS) {
            if (occurrences(lower, tag) != 1) {
                return false;
            }
        }
        int thinkClose = s.indexOf(THINK_CLOSE);
        int answerOpen = s.indexOf(ANSWER_OPEN);
        // The counts were case-insensitive; a tag in the wrong case is missing here.
        if (thinkClose < 0 || answerOpen < thinkClose) {
            return false;
        }
        String reasoning = s.substring(THINK_OPEN.length(), thinkClose);
        String between = s.substring(thinkClose + THINK_CLOSE.length(), answerOpen);
        String answer = s.substring(answerOpen + ANSWER_OPEN.length(), s.length() - ANSWER_CLOSE.length());
        return !reasoning.isBlank() && between.isBlank() && !answer.isBlank();
    }

    private static int occurrences(String text, String tag) {
        int count = 0;
        for (int i = text.indexOf(tag); i >= 0; i = text.indexOf(tag, i + tag.length())) {
            count++;
        }
        return count;
    }
}
