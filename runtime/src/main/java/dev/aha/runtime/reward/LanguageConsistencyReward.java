package dev.aha.runtime.reward;

import java.lang.Character.UnicodeScript;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The language-consistency reward DeepSeek-R1 adds against language mixing: the share of the chain of thought's words
 * written in the target script, in [0, 1].
 *
 * <ul>
 *   <li>Chain of thought: the text inside {@code <think>...</think>} (all such blocks). A {@code </think>} without an
 *       opening tag (the pipeline prefilled it) takes the text before it; an unclosed {@code <think>} (truncated
 *       sample) the text after it. Without think tags, the whole completion. Think/answer tags themselves are
 *       markup, not words.</li>
 *   <li>Word: a maximal run of letters ({@link Character#isLetter}), continued by combining marks so that Devanagari,
 *       Thai or Arabic vowel signs do not split a word. Han ideographs and kana have no spaces between words, so each
 *       counts as one word. Digits and symbols are not words and are ignored.</li>
 *   <li>A word is in the target script when all its letters are; letters shared by all scripts (Unicode COMMON or
 *       INHERITED) are ignored, and a word of only such letters is not counted.</li>
 *   <li>No words at all (empty, or only numbers and symbols) scores 1.0: there is nothing inconsistent, and a
 *       formula-only step should not be punished for its language. Format and accuracy judge emptiness.</li>
 * </ul>
 */
public final class LanguageConsistencyReward implements RewardFunction {
    public static final String NAME = "language";

    private static final String THINK_OPEN = "<think>";
    private static final String THINK_CLOSE = "</think>";
    private static final Pattern ANY_TAG = Pattern.compile("</?(?:think|answer)>");

    private final TargetScript target;

    /** Consistency with {@link TargetScript#LATIN}. */
    public LanguageConsistencyReward() {
        this(TargetScript.LATIN);
    }

    public LanguageConsistencyReward(TargetScript target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    public TargetScript target() {
        return target;
    }

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
        String thought = chainOfThought(input.completion());
        int words = 0;
        int inTarget = 0;
        int i = 0;
        while (i < thought.length()) {
            int cp = thought.codePointAt(i);
            if (!Character.isLetter(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int end = endOfWord(thought, i);
            Verdict verdict = judge(thought, i, end);
            if (verdict != Verdict.NEUTRAL) {
                words++;
                inTarget += verdict == Verdict.IN_TARGET ? 1 : 0;
            }
            i = end;
        }
        return words == 0 ? 1.0 : (double) inTarget / words;
    }

    private enum Verdict { IN_TARGET, OTHER, NEUTRAL }

    /**
     * Letters of the COMMON or INHERITED script (the kana prolonged-sound mark, for one) belong to every script, so
     * they neither make nor break a word; a word made only of them is not counted.
     */
    private Verdict judge(String text, int begin, int end) {
        boolean scriptSpecific = false;
        for (int i = begin; i < end; i += Character.charCount(text.codePointAt(i))) {
            int cp = text.codePointAt(i);
            UnicodeScript script = UnicodeScript.of(cp);
            if (!Character.isLetter(cp) || script == UnicodeScript.COMMON || script == UnicodeScript.INHERITED) {
                continue;
            }
            if (!target.includes(cp)) {
                return Verdict.OTHER;
            }
            scriptSpecific = true;
        }
        return scriptSpecific ? Verdict.IN_TARGET : Verdict.NEUTRAL;
    }

    /** The end (exclusive) of the word starting with the letter at {@code begin}. */
    private static int endOfWord(String text, int begin) {
        int first = text.codePointAt(begin);
        int end = begin + Character.charCount(first);
        if (isOneCharacterWord(first)) {
            return end;
        }
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            if (!continuesWord(cp)) {
                break;
            }
            end += Character.charCount(cp);
        }
        return end;
    }

    /** The text whose language is judged; see the class comment for the cases. */
    static String chainOfThought(String completion) {
        // indexOf rather than a lazy regex, which is quadratic on a degenerate completion repeating "<think>".
        StringBuilder inside = new StringBuilder();
        int open = completion.indexOf(THINK_OPEN);
        int close = completion.indexOf(THINK_CLOSE);
        if (close >= 0 && (open < 0 || open > close)) {
            return withoutTags(completion.substring(0, close));
        }
        if (open < 0) {
            return withoutTags(completion);
        }
        while (open >= 0) {
            int from = open + THINK_OPEN.length();
            close = completion.indexOf(THINK_CLOSE, from);
            if (close < 0) {
                inside.append(completion, from, completion.length());   // unclosed: a truncated sample
                break;
            }
            inside.append(completion, from, close).append('\n');
            open = completion.indexOf(THINK_OPEN, close + THINK_CLOSE.length());
        }
        return withoutTags(inside.toString());
    }

    /** Tag names are markup, not words of the thought. */
    private static String withoutTags(String text) {
        return ANY_TAG.matcher(text).replaceAll(" ");
    }

    private static boolean continuesWord(int cp) {
        if (isOneCharacterWord(cp)) {
            return false;   // a run like "abc中" splits before the ideograph
        }
        int type = Character.getType(cp);
        return Character.isLetter(cp) || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isOneCharacterWord(int cp) {
        UnicodeScript script = UnicodeScript.of(cp);
        return script == UnicodeScript.HAN || script == UnicodeScript.HIRAGANA || script == UnicodeScript.KATAKANA;
    }
}
