package dev.aha.runtime.sandbox;

import java.util.Objects;

/**
 * What one sandboxed run gave.
 *
 * @param outcome how it ended
 * @param testsPassed tests that passed (0 unless the runner reported)
 * @param tests tests the task's test code holds (0 unless the runner reported)
 * @param exitStatus bubblewrap's exit status (128 + n for a signal n), -1 when the sandbox was killed
 * @param output the head of stdout and stderr together, at most max-output bytes, decoded leniently
 * @param wallNanos start to end of the run, sandbox set-up included
 */
public record SandboxResult(Outcome outcome, int testsPassed, int tests, int exitStatus, String output,
        long wallNanos) {

    public SandboxResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(output, "output");
        if (testsPassed < 0 || tests < 0 || testsPassed > tests) {
            throw new IllegalArgumentException("tests passed " + testsPassed + " of " + tests);
        }
    }

    /** Share of the tests that passed; 0 when there were none. */
    public double fractionPassed() {
        return tests == 0 ? 0.0 : (double) testsPassed / tests;
    }
}
