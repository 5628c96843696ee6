package dev.aha.runtime.reward;

import java.util.ArrayList;
import java.util.List;

/** Bracket structure in one linear scan: {@code ( [ {} and {@code \{} open, {@code ) ] }} and {@code \}} close. */
final class Brackets {
    /** The set brackets {@code \{ \}} as one character each. */
    static final char SET = 'S';

    record Enclosure(char open, char close, String inside) {
        boolean isSet() {
            return (open == SET && close == SET) || (open == '{' && close == '}');
        }

        boolean isSequence() {
            return (open == '(' || open == '[') && (close == ')' || close == ']');
        }
    }

    private Brackets() {
    }

    /**
     * The brackets around the whole of {@code s}, when its first bracket closes at its very end; null otherwise
     * ({@code (1) + (2)} is not enclosed).
     */
    static Enclosure enclosure(String s) {
        char open = s.isEmpty() ? 0 : opening(s, 0);
        if (open == 0) {
            return null;
        }
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            int width = s.charAt(i) == '\\' ? 2 : 1;
            if (opening(s, i) != 0) {
                depth++;
            } else {
                char close = closing(s, i);
                if (close != 0 && --depth == 0) {
                    int innerStart = open == SET ? 2 : 1;
                    int end = i + width;
                    return end == s.length() && i >= innerStart
                            ? new Enclosure(open, close, s.substring(innerStart, i)) : null;
                }
            }
            i += width - 1;
        }
        return null;
    }

    /**
     * {@code s} split at its top-level commas, or (with {@code atUnions}) at its top-level {@code \cup} and
     * {@code ∪}; null when its brackets do not balance.
     */
    static List<String> splitTopLevel(String s, boolean atUnions) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            int width = s.charAt(i) == '\\' ? 2 : 1;
            if (opening(s, i) != 0) {
                depth++;
            } else if (closing(s, i) != 0) {
                if (--depth < 0) {
                    return null;
                }
            } else if (depth == 0 && !atUnions && s.charAt(i) == ',') {
                parts.add(s.substring(from, i));
                from = i + 1;
            } else if (depth == 0 && atUnions && (s.charAt(i) == '∪' || s.startsWith("\\cup", i))) {
                width = s.charAt(i) == '∪' ? 1 : 4;
                parts.add(s.substring(from, i));
                from = i + width;
            }
            i += width - 1;
        }
        if (depth != 0) {
            return null;
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static char opening(String s, int i) {
        char c = s.charAt(i);
        if (c == '\\') {
            return i + 1 < s.length() && s.charAt(i + 1) == '{' ? SET : 0;
        }
        return c == '(' || c == '[' || c == '{' ? c : 0;
    }

    private static char closing(String s, int i) {
        char c = s.charAt(i);
        if (c == '\\') {
            return i + 1 < s.length() && s.charAt(i + 1) == '}' ? SET : 0;
        }
        return c == ')' || c == ']' || c == '}' ? c : 0;
    }
}
