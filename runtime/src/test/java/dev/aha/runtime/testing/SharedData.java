package dev.aha.runtime.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the tests find the datasets the project never copies in (GSM8K under {@code shared/data}). Tried in order:
 * {@code -Daha.shared.dir} (the build sets it to {@code ../shared} beside the checkout), {@code AHA_SHARED_DIR},
 * and {@code shared/} beside the repository this one was cloned from (a clone made elsewhere, e.g. {@code git clone
 * . /tmp/x}, still finds the data of the working copy it came from). A test that needs the data fails with the
 * places it looked, never skips.
 */
public final class SharedData {

    private SharedData() {}

    /** {@code shared/data/gsm8k/<file>}. */
    public static Path gsm8k(String file) {
        return dir().resolve("data").resolve("gsm8k").resolve(file);
    }

    public static Path dir() {
        List<Path> tried = new ArrayList<>();
        String property = System.getProperty("aha.shared.dir");
        if (property != null) {
            tried.add(Path.of(property));
        }
        String env = System.getenv("AHA_SHARED_DIR");
        if (env != null) {
            tried.add(Path.of(env));
        }
        Path origin = originSibling();
        if (origin != null) {
            tried.add(origin);
        }
        for (Path p : tried) {
            if (Files.isDirectory(p.resolve("data"))) {
                return p;
            }
        }
        throw new IllegalStateException("the shared datasets (shared/data/gsm8k) were not found; tried " + tried
                + ": pass -Daha.shared.dir=DIR or set AHA_SHARED_DIR");
    }

    /** {@code shared/} beside the local repository {@code origin} points at, if it is a local path. */
    private static Path originSibling() {
        try {
            Process git = new ProcessBuilder("git", "config", "--get", "remote.origin.url")
                    .redirectErrorStream(true).start();
            String url = new String(git.getInputStream().readAllBytes()).trim();
            if (!git.waitFor(10, TimeUnit.SECONDS) || git.exitValue() != 0 || url.isEmpty() || url.contains("://")
                    || url.contains("@")) {
                return null;
            }
            Path parent = Path.of(url.startsWith("file:") ? url.substring(5) : url).toAbsolutePath().normalize()
                    .getParent();
            return parent == null ? null : parent.resolve("shared");
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
