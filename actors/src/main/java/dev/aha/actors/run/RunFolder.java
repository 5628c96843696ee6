package dev.aha.actors.run;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run writes. A new run never writes into a folder that holds another run: its metrics.jsonl would be
 * appended to, its curves and checkpoints mixed with the other's. The default folder steps aside to the first free
 * {@code NAME-2}, {@code NAME-3}, ...; a folder the user named is refused with what to do instead.
 */
public final class RunFolder {

    private RunFolder() {}

    /** True when {@code dir} holds a run's files (what a new run would mix with). */
    public static boolean holdsARun(Path dir) {
        return Files.exists(dir.resolve("metrics.jsonl")) || Files.exists(dir.resolve("checkpoints"))
                || Files.exists(dir.resolve("cold-start")) || Files.exists(dir.resolve("summary.json"));
    }

    /** {@code dir} if it holds no run, else the first of {@code dir-2}, {@code dir-3}, ... that holds none. */
    public static Path firstFree(Path dir) {
        Path candidate = dir;
        for (int n = 2; holdsARun(candidate); n++) {
            candidate = dir.resolveSibling(dir.getFileName() + "-" + n);
        }
        return candidate;
    }

    /** Refuses a named folder that holds a run, for a new (not resumed) run. */
    public static void requireFree(Path dir) {
        if (holdsARun(dir)) {
            throw new IllegalArgumentException(dir + " holds a run already: --resume " + dir
                    + " continues it, another --out starts a new one");
        }
    }
}
