package dev.aha.runtime.chat;

/** Where two rendered texts first differ, shown with escapes so newlines and spaces are visible. */
final class TextDiff {

    private static final int CONTEXT = 40;

    private TextDiff() {}

    /** {@code null} when equal; otherwise the first differing index, its line, and both sides around it. */
    static String describe(String expected, String actual) {
        if (expected.equals(actual)) {
            return null;
        }
        int at = 0;
        while (at < expected.length() && at < actual.length() && expected.charAt(at) == actual.charAt(at)) {
            at++;
        }
        long line = expected.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        return "renders differ at index " + at + " (line " + line + "; lengths " + expected.length() + " expected, "
                + actual.length() + " actual)\n  expected: " + around(expected, at) + "\n  actual:   "
                + around(actual, at);
    }

    private static String around(String s, int at) {
        int from = Math.max(0, at - CONTEXT);
        int to = Math.min(s.length(), at + CONTEXT);
        return (from > 0 ? "..." : "") + escape(s.substring(from, Math.min(at, to))) + "»"
                + escape(s.substring(Math.min(at, to), to)) + (to < s.length() ? "..." : "");
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
