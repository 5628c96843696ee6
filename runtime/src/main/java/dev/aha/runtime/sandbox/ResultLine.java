package dev.aha.runtime.sandbox;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runner's last word, {@code AHA-RESULT <nonce> <outcome> <passed> <tests>}, checked before use: the line must
 * carry this run's nonce, a known outcome and counts that add up ({@code passed} only with every test passed).
 * Anything else is treated as no report, which scores as the exit status says.
 */
record ResultLine(Outcome outcome, int passed, int tests) {

    private static final Pattern LINE = Pattern.compile(
            "^AHA-RESULT ([0-9a-f]{32}) (passed|failed|syntax|memory) ([0-9]{1,9}) ([0-9]{1,9})$", Pattern.MULTILINE);

    /** The last well-formed report carrying {@code nonce}, or null. */
    static ResultLine find(String output, String nonce) {
        Matcher m = LINE.matcher(output);
        ResultLine found = null;
        while (m.find()) {
            if (!m.group(1).equals(nonce)) {
                continue;
            }
            int passed = Integer.parseInt(m.group(3));
            int tests = Integer.parseInt(m.group(4));
            Outcome outcome = switch (m.group(2)) {
                case "passed" -> Outcome.PASSED;
                case "syntax" -> Outcome.SYNTAX_ERROR;
                case "memory" -> Outcome.MEMORY;
                default -> Outcome.FAILED;
            };
            boolean consistent = passed <= tests && (outcome != Outcome.PASSED || (tests > 0 && passed == tests));
            found = consistent ? new ResultLine(outcome, passed, tests) : null;
        }
        return found;
    }
}
