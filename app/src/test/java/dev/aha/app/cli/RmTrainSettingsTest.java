package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aha.runtime.rm.RewardModelTrainSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** aha rm train's settings: aha.rm's defaults, a --config file and --set over them, the flags over all. */
class RmTrainSettingsTest {

    private static RewardModelTrainSettings parse(String... extra) {
        RmTrainCommand c = new RmTrainCommand();
        String[] args = new String[extra.length + 6];
        System.arraycopy(new String[] {"--model", "m", "--data", "d", "--out", "o"}, 0, args, 0, 6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        new CommandLine(c).parseArgs(args);
        return c.settings();
    }

    @Test
    void withoutFlagsTheDefaultsAreReferenceConfs() {
        assertEquals(new RewardModelTrainSettings(16, 5e-5, 0f, 0.1, 50, 2048, 1), parse());
    }

    @Test
    void aConfigFileAndSetChangeTheDefaultsAndFlagsOverrideBoth(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rm.conf"), "aha.rm { batch-size = 8, learning-rate = 1e-3 }");
        RewardModelTrainSettings s = parse("--config", file.toString(), "--set", "aha.rm.eval-every=5",
                "--lr", "2e-4", "--held-out", "0.25", "--seed", "7");
        assertEquals(new RewardModelTrainSettings(8, 2e-4, 0f, 0.25, 5, 2048, 7), s);
    }

    @Test
    void aBadValueIsRefusedInOneLineNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--held-out", "1.5"));
        assertEquals("aha.rm.held-out must be in (0, 1), was 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--set", "aha.rm.batch-size=0"));
        assertEquals("aha.rm: batch-size and eval-every must be positive and context-length at least 2, were 0, 50 "
                + "and 2048", e.getMessage());
    }
}
