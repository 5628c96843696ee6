package dev.aha.runtime.reward;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * R1's language-consistency reward: the share of the chain of thought's words written in the target script, to
 * stop reasoning from drifting between languages. The chain of thought is the text inside
 * {@code <think>…</think>}, or the whole completion when there is none.
 *
 * <p>A word is a maximal run of letters; in CJK each character is a word (those scripts use no spaces). Numbers and
 * symbols are not words. A thought with no words scores 1: it contains nothing inconsistent.
 */
public final class LanguageConsistencyReward implements RewardFunction {

    private static final Pattern THINK = Pattern.compile("<think>(.*?)</think>", Pattern.DOTALL);

    private final Script target;

    public LanguageConsistencyReward(Script target) {
        if (target == null) {
            throw new IllegalArgumentException("target script must be set");
        }
        this.target = target;
    }

    public LanguageConsistencyReward() {
        this(Script.LATIN);
    }

    @Override
    public String name() {
        return "language";
    }

    @Override
    public RewardRange range() {
        return RewardRange.UNIT;
    }

    @Override
    public double score(RewardInput input) {
        Matcher m = THINK.matcher(input.completion());
        String thought = m.find() ? m.group(1) : input.completion();
        int words = 0;
        int inTarget = 0;
        int i = 0;
        while (i < thought.length()) {
            int cp = thought.codePointAt(i);
            if (!Character.isLetter(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            words++;
            if (target.contains(cp)) {
                inTarget++;
            }
            if (Script.unspaced(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            // consume the rest of this word: letters up to a non-letter or an unspaced-script character
            i += Character.charCount(cp);
            while (i < thought.length()) {
                int next = thought.codePointAt(i);
                if (!Character.isLetter(next) || Script.unspaced(next)) {
                    break;
                }
                i += Character.charCount(next);
            }
        }
        return words == 0 ? 1.0 : (double) inTarget / words;
    }
}
