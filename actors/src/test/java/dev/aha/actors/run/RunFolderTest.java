package dev.aha.actors.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

    @TempDir
    Path dir;

    @Test
    void aFolderHoldsARunWhenARunsFilesAreInIt() throws Exception {
        Path train = dir.resolve("train");
        assertFalse(RunFolder.holdsARun(train), "missing");
        Files.createDirectories(train.resolve("logs"));
        assertFalse(RunFolder.holdsARun(train), "only unrelated files");
        for (String file : new String[] {"metrics.jsonl", "summary.json"}) {
            Path d = dir.resolve(file);
            Files.createDirectories(d);
            Files.writeString(d.resolve(file), "");
            assertTrue(RunFolder.holdsARun(d), file);
        }
        Files.createDirectories(dir.resolve("cold").resolve("cold-start"));
        assertTrue(RunFolder.holdsARun(dir.resolve("cold")), "a cold start alone");
    }

    @Test
    void theDefaultFolderStepsAsideToTheFirstFreeNumberedOne() throws Exception {
        Path train = dir.resolve("train");
        assertEquals(train, RunFolder.firstFree(train));
        Files.createDirectories(train.resolve("checkpoints"));
        assertEquals(dir.resolve("train-2"), RunFolder.firstFree(train));
        Files.createDirectories(dir.resolve("train-2").resolve("checkpoints"));
        Files.createDirectories(dir.resolve("train-3")); // exists, holds no run: usable
        assertEquals(dir.resolve("train-3"), RunFolder.firstFree(train));
    }

    @Test
    void aNamedFolderThatHoldsARunIsRefusedSayingWhatToDo() throws Exception {
        Path named = dir.resolve("demo");
        RunFolder.requireFree(named);
        Files.createDirectories(named);
        Files.writeString(named.resolve("metrics.jsonl"), "{}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunFolder.requireFree(named));
        assertEquals(named + " holds a run already: --resume " + named + " continues it, another --out starts a new one",
                e.getMessage());
    }
}
