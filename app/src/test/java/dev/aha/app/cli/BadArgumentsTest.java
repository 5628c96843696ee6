package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A command line that does not parse is refused in one line that says what to type instead. */
class BadArgumentsTest {

    private static String oneLine(CommandRun r) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "more than one line: " + r.err());
        return r.err().strip();
    }

    @Test
    void joinsOldSeedSpellingIsRefusedNamingSeedNode() {
        String line = oneLine(CommandRun.of("join", "--seed", "127.0.0.1:2551", "--roles", "rollout"));
        assertEquals("aha join: the seed node is now given as --seed-node 127.0.0.1:2551 (--seed N is a random seed "
                + "in other commands); see 'aha join --help'", line);
        oneLine(CommandRun.of("join", "--seed", "127.0.0.1:2551")); // before the missing --roles is noticed
    }

    @Test
    void joinTakesSeedNode() {
        Aha.commandLine().parseArgs("join", "--seed-node", "127.0.0.1:2551", "--roles", "rollout");
    }

    @Test
    void aMisspeltOptionOrCommandGetsASuggestion() {
        String option = oneLine(CommandRun.of("train", "--minuts", "3"));
        assertTrue(option.startsWith("aha train: Unknown option"), option);
        assertTrue(option.contains("did you mean --minutes?"), option);
        String command = oneLine(CommandRun.of("trian"));
        assertTrue(command.contains("did you mean train?"), command);
    }

    @Test
    void aMissingRequiredOptionIsOneLine() {
        String line = oneLine(CommandRun.of("join", "--seed-node", "127.0.0.1:2551"));
        assertTrue(line.contains("--roles"), line);
    }
}
