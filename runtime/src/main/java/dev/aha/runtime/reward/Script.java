package dev.aha.runtime.reward;

import java.lang.Character.UnicodeScript;
import java.util.EnumSet;
import java.util.Set;

/** Writing systems the language-consistency reward can ask for. */
public enum Script {
    LATIN(EnumSet.of(UnicodeScript.LATIN)),
    /** Chinese, Japanese and Korean: Han ideographs, kana and Hangul. */
    CJK(EnumSet.of(UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA, UnicodeScript.HANGUL)),
    CYRILLIC(EnumSet.of(UnicodeScript.CYRILLIC)),
    ARABIC(EnumSet.of(UnicodeScript.ARABIC)),
    GREEK(EnumSet.of(UnicodeScript.GREEK)),
    DEVANAGARI(EnumSet.of(UnicodeScript.DEVANAGARI));

    private final Set<UnicodeScript> scripts;

    Script(Set<UnicodeScript> scripts) {
        this.scripts = scripts;
    }

    public boolean contains(int codePoint) {
        return scripts.contains(UnicodeScript.of(codePoint));
    }

    /** Scripts written without spaces, where each character counts as a word. */
    static boolean unspaced(int codePoint) {
        return CJK.contains(codePoint);
    }
}
