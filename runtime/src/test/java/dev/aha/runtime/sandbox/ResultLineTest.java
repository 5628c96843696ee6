package dev.aha.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The runner's report is believed only when it carries this run's nonce and counts that add up. */
class ResultLineTest {

    private static final String NONCE = "0123456789abcdef0123456789abcdef";

    @Test
    void shouldReadTheLastReportOfThisRun() {
        String out = "noise\nAHA-RESULT " + NONCE + " failed 1 3\nmore\nAHA-RESULT " + NONCE + " passed 3 3\n";
        assertEquals(new ResultLine(Outcome.PASSED, 3, 3), ResultLine.find(out, NONCE));
        assertEquals(new ResultLine(Outcome.SYNTAX_ERROR, 0, 2),
                ResultLine.find("AHA-RESULT " + NONCE + " syntax 0 2", NONCE));
        assertEquals(new ResultLine(Outcome.MEMORY, 1, 2),
                ResultLine.find("AHA-RESULT " + NONCE + " memory 1 2\n", NONCE));
    }

    @Test
    void shouldIgnoreReportsThatDoNotAddUp() {
        assertNull(ResultLine.find("AHA-RESULT " + NONCE + " passed 2 3\n", NONCE));
        assertNull(ResultLine.find("AHA-RESULT " + NONCE + " passed 0 0\n", NONCE));
        assertNull(ResultLine.find("AHA-RESULT " + NONCE + " failed 4 3\n", NONCE));
        assertNull(ResultLine.find("AHA-RESULT " + NONCE + " won 3 3\n", NONCE));
        assertNull(ResultLine.find("AHA-RESULT " + "f".repeat(32) + " passed 3 3\n", NONCE));
        assertNull(ResultLine.find("xAHA-RESULT " + NONCE + " passed 3 3\n", NONCE));
        assertNull(ResultLine.find("AHA-RESULT " + NONCE + " passed 3 3 extra\n", NONCE));
    }
}
