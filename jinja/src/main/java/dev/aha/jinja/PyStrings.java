package dev.aha.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Python's {@code str} operations with Python's rules: whitespace is {@code str.isspace}, lengths and indices count
 * code points (an emoji is one character, not two UTF-16 units), {@code split()} without a separator splits on runs.
 */
final class PyStrings {

    private PyStrings() {}

    /** Python's {@code str.isspace} for one character. */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00a0' || c == '\u2007' || c == '\u202f';
    }

    /** The boundaries Python's {@code str.splitlines} splits on. */
    static boolean isLineBoundary(int c) {
        return c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' || c == '\u001c' || c == '\u001d'
                || c == '\u001e' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The code points of {@code s}, each as a one-character string. */
    static List<Object> chars(String s) {
        List<Object> out = new ArrayList<>(s.length());
        s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
    }

    static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    static String rstrip(String s) {
        return rstrip(s, null);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!stripped(cp, chars)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int i = s.length();
        while (i > 0) {
            int cp = s.codePointBefore(i);
            if (!stripped(cp, chars)) {
                break;
            }
            i -= Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.codePoints().anyMatch(c -> c == cp);
    }

    /** {@code str.split(sep, maxsplit)}; {@code sep == null} splits on runs of whitespace. */
    static List<Object> split(String s, String sep, long maxsplit) {
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxsplit >= 0 && parts.size() >= maxsplit) {
                    parts.add(s.substring(i));
                    break;
                }
                int start = i;
                while (i < n && !isSpace(s.charAt(i))) {
                    i++;
                }
                parts.add(s.substring(start, i));
            }
            return parts;
        }
        requireSeparator(sep);
        int start = 0;
        int at;
        while ((maxsplit < 0 || parts.size() < maxsplit) && (at = s.indexOf(sep, start)) >= 0) {
            parts.add(s.substring(start, at));
            start = at + sep.length();
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** {@code str.rsplit(sep, maxsplit)}: as split, counting splits from the right. */
    static List<Object> rsplit(String s, String sep, long maxsplit) {
        if (maxsplit < 0) {
            return split(s, sep, maxsplit);
        }
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int i = s.length();
            while (true) {
                while (i > 0 && isSpace(s.charAt(i - 1))) {
                    i--;
                }
                if (i <= 0) {
                    break;
                }
                if (parts.size() >= maxsplit) {
                    parts.add(s.substring(0, i));
                    break;
                }
                int end = i;
                while (i > 0 && !isSpace(s.charAt(i - 1))) {
                    i--;
                }
                parts.add(s.substring(i, end));
            }
        } else {
            requireSeparator(sep);
            int end = s.length();
            int at;
            while (parts.size() < maxsplit && (at = s.lastIndexOf(sep, end - sep.length())) >= 0) {
                parts.add(s.substring(at + sep.length(), end));
                end = at;
            }
            parts.add(s.substring(0, end));
        }
        Collections.reverse(parts);
        return parts;
    }

    private static void requireSeparator(String sep) {
        if (sep.isEmpty()) {
            throw new JinjaException("ValueError: empty separator");
        }
    }

    /** {@code str.splitlines(keepends)}. */
    static List<Object> splitlines(String s, boolean keepends) {
        List<Object> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (isLineBoundary(c)) {
                int end = i + (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1);
                lines.add(s.substring(start, keepends ? end : i));
                start = end;
                i = end;
            } else {
                i++;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    /** {@code str.replace(old, new, count)}; a negative count replaces all. */
    static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            count = Long.MAX_VALUE;
        }
        StringBuilder out = new StringBuilder();
        if (old.isEmpty()) {
            // Python inserts the replacement before every character and at the end
            int done = 0;
            int i = 0;
            while (i < s.length()) {
                if (done < count) {
                    out.append(replacement);
                    done++;
                }
                int cp = s.codePointAt(i);
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
            if (done < count) {
                out.append(replacement);
            }
            return out.toString();
        }
        int start = 0;
        int at;
        long done = 0;
        while (done < count && (at = s.indexOf(old, start)) >= 0) {
            out.append(s, start, at).append(replacement);
            start = at + old.length();
            done++;
        }
        return out.append(s.substring(start)).toString();
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Python's {@code str.capitalize}: first character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return new String(Character.toChars(Character.toTitleCase(first)))
                + lower(s.substring(Character.charCount(first)));
    }

    /** Python's {@code str.title}: a cased character after an uncased one is title-cased, others lower-cased. */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            out.append(previousCased ? lower(ch) : new String(Character.toChars(Character.toTitleCase(cp))));
            previousCased = Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /**
     * Jinja's {@code title} filter (not {@code str.title}): words begin after {@code -}, whitespace or an opening
     * bracket; each word's first character is upper-cased and the rest lower-cased.
     */
    static String jinjaTitle(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean wordStart = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            boolean separator = cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<' || isSpace(cp);
            out.append(separator ? ch : wordStart ? upper(ch) : lower(ch));
            wordStart = separator;
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** Python's {@code str.find} over code points; -1 when absent. */
    static long find(String s, String sub, boolean last) {
        int at = last ? s.lastIndexOf(sub) : s.indexOf(sub);
        return at < 0 ? -1 : s.codePointCount(0, at);
    }

    static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return length(s) + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }
}
