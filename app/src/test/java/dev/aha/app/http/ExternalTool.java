package dev.aha.app.http;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A program from the system (Debian's chromium, prometheus) that a test needs; absent, the test is skipped loudly. */
final class ExternalTool {

    private ExternalTool() {}

    /** The first of {@code names} on PATH, or the test skips with a line saying what to install. */
    static Path require(String debianPackage, String... names) {
        Optional<Path> found = find(names);
        if (found.isEmpty()) {
            String why = "SKIPPED: " + String.join(" / ", names) + " not on PATH; apt-get install " + debianPackage
                    + " to run this test (.ci/run does)";
            System.err.println(why);
            Assumptions.abort(why);
        }
        return found.get();
    }

    static Optional<Path> find(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs {@code command} to its end (at most {@code seconds}), returning its stdout; stderr goes to {@code log}. */
    static String run(List<String> command, String stdin, Path log, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish in " + seconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited " + p.exitValue() + ": " + text + "\n" + Files.readString(log));
        }
        return text;
    }
}
