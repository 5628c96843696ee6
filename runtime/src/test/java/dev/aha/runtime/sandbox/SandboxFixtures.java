package dev.aha.runtime.sandbox;

import dev.aha.runtime.config.AhaConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The reference.conf sandbox with small limits, so that limit tests take a few seconds, and a /proc scanner. */
public final class SandboxFixtures {

    /** CPU 1 s, wall 5 s (room for a loaded machine), 256 MiB, 8 processes, 64 KiB of output. */
    public static SandboxSettings small() {
        return SandboxSettings.fromConfig(AhaConfig.load().getConfig("aha.sandbox"))
                .withLimits(Duration.ofSeconds(1), Duration.ofSeconds(5), 256L << 20, 8, 64 << 10);
    }

    private SandboxFixtures() {}

    /** Started on first use; test classes share it (it holds no processes between runs), and it dies with the JVM. */
    private static final class Shared {
        static final Sandbox SANDBOX = Sandbox.start(small());
    }

    /** A started sandbox of {@link #small()}, shared by the test classes; never closed (a daemon watchdog thread). */
    public static Sandbox sandbox() {
        return Shared.SANDBOX;
    }

    /** Pids of the processes whose command line contains {@code marker} (any namespace: /proc of the host). */
    public static List<Long> processesWith(String marker) {
        List<Long> found = new ArrayList<>();
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (indexOf(Files.readAllBytes(p.resolve("cmdline")), needle) >= 0) {
                        found.add(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // it exited while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
