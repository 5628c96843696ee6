package dev.aha.runtime.rejection;

import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The repetition measure of the readability rule: the share of a text's word n-grams that repeat an earlier one,
 * {@code 1 - distinct n-grams / n-grams} (seq-rep-n of Welleck et al., "Neural text degeneration with unlikelihood
 * training", 2019). 0 for text without a repeated n-gram, approaching 1 for a loop ("12-3=9 12-3=9 12-3=9 ...").
 *
 * <p>Words: maximal runs of letters and digits (with the combining marks that continue them); every other character that is not white space (an operator, a
 * bracket, a tag's angle bracket) is a word of its own; Han ideographs and kana, written without spaces, are one
 * word each. So {@code 7+7+7+7} is seven words and its loop is seen even without spaces. A text of fewer than n words
 * has no n-grams and scores 0.
 */
public final class RepeatedNgrams {

    private RepeatedNgrams() {}

    public static double fraction(String text, int n) {
        List<String> words = words(text);
        int total = words.size() - n + 1;
        if (total <= 0) {
            return 0.0;
        }
        Set<List<String>> distinct = new HashSet<>();
        for (int i = 0; i < total; i++) {
            distinct.add(words.subList(i, i + n));
        }
        return 1.0 - (double) distinct.size() / total;
    }

    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int width = Character.charCount(cp);
            if (Character.isWhitespace(cp)) {
                i += width;
                continue;
            }
            if (!Character.isLetterOrDigit(cp) || isOneCharacterWord(cp)) {
                words.add(text.substring(i, i + width));
                i += width;
                continue;
            }
            int end = i + width;
            while (end < text.length()) {
                int next = text.codePointAt(end);
                if (!continuesWord(next)) {
                    break;
                }
                end += Character.charCount(next);
            }
            words.add(text.substring(i, end));
            i = end;
        }
        return words;
    }

    /** Letters and digits, and the marks that Devanagari or Thai vowels are written with. */
    private static boolean continuesWord(int cp) {
        if (isOneCharacterWord(cp)) {
            return false;
        }
        int type = Character.getType(cp);
        return Character.isLetterOrDigit(cp) || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isOneCharacterWord(int cp) {
        UnicodeScript script = UnicodeScript.of(cp);
        return script == UnicodeScript.HAN || script == UnicodeScript.HIRAGANA || script == UnicodeScript.KATAKANA;
    }
}
