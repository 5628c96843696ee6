package dev.aha.runtime.reward;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 1 when the completion is exactly R1's format, else 0: optional whitespace, {@code <think>} reasoning
 * {@code </think>}, optional whitespace, {@code <answer>} answer {@code </answer>}, optional whitespace. Both parts
 * must be non-blank and hold no tag of their own; nothing may stand outside them.
 *
 * <p>The rule is deliberately strict and does not know about prompts that pre-fill {@code <think>}: such a
 * pipeline should score the pre-filled tag as part of the completion.
 */
public final class FormatReward implements RewardFunction {

    private static final Pattern SHAPE =
            Pattern.compile("\\s*<think>(.*?)</think>\\s*<answer>(.*?)</answer>\\s*", Pattern.DOTALL);
    private static final Pattern ANY_TAG = Pattern.compile("</?(?:think|answer)>");

    @Override
    public String name() {
        return "format";
    }

    @Override
    public RewardRange range() {
        return RewardRange.UNIT;
    }

    @Override
    public double score(RewardInput input) {
        Matcher m = SHAPE.matcher(input.completion());
        if (!m.matches()) {
            return 0;
        }
        String think = m.group(1);
        String answer = m.group(2);
        if (think.isBlank() || answer.isBlank()) {
            return 0;
        }
        if (ANY_TAG.matcher(think).find() || ANY_TAG.matcher(answer).find()) {
            return 0;
        }
        return 1;
    }
}
