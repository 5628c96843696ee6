package dev.aha.runtime.reward;

import java.lang.Character.UnicodeScript;
import java.util.EnumSet;
import java.util.Set;

/**
 * The writing system a chain of thought should be in, for {@link LanguageConsistencyReward}. A script, not a language:
 * telling English from French is beyond a rule, telling English from Chinese is what R1's language mixing needs.
 */
public enum TargetScript {
    LATIN(EnumSet.of(UnicodeScript.LATIN)),
    /** Chinese, Japanese and Korean together: Han ideographs, kana and Hangul. */
    CJK(EnumSet.of(UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA, UnicodeScript.HANGUL)),
    CYRILLIC(EnumSet.of(UnicodeScript.CYRILLIC)),
    ARABIC(EnumSet.of(UnicodeScript.ARABIC)),
    GREEK(EnumSet.of(UnicodeScript.GREEK)),
    HEBREW(EnumSet.of(UnicodeScript.HEBREW)),
    DEVANAGARI(EnumSet.of(UnicodeScript.DEVANAGARI)),
    THAI(EnumSet.of(UnicodeScript.THAI));

    private final Set<UnicodeScript> scripts;

    TargetScript(Set<UnicodeScript> scripts) {
        this.scripts = scripts;
    }

    /** Whether the code point's Unicode script belongs to this target. */
    public boolean includes(int codePoint) {
        return scripts.contains(UnicodeScript.of(codePoint));
    }
}
