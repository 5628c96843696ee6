package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/bin/aha never runs a distribution older than the sources without saying so: it rebuilds, or with
 * AHA_NO_BUILD=1 warns. Run against a copy of the launcher in a fake checkout, with stand-ins for mvn and java.
 */
class LauncherTest {

    @TempDir
    Path root;

    private Path source;
    private Path built;

    private static void executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @BeforeEach
    void fakeCheckout() throws IOException {
        Files.createDirectories(root.resolve("deploy/bin"));
        Files.copy(Path.of("bin/aha"), root.resolve("deploy/bin/aha"));
        Files.setPosixFilePermissions(root.resolve("deploy/bin/aha"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dist = Files.createDirectories(root.resolve("deploy/target/dist/lib"));
        Files.writeString(root.resolve("deploy/target/dist/jvm.options"), "-Xss1m\n");
        Files.writeString(dist.resolve("aha-runtime-0.1.0-SNAPSHOT.jar"), "jar");
        source = Files.createDirectories(root.resolve("runtime/src/main/java")).resolve("Policy.java");
        Files.writeString(source, "class Policy {}");
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        built = root.resolve("deploy/target/dist/.built");
        Files.writeString(built, "");
        Path bin = Files.createDirectories(root.resolve("fakebin"));
        // mvn stands in for the build: it records that it ran; java for the CLI: it prints its arguments
        executable(bin.resolve("mvn"), "#!/bin/sh\necho built >> \"" + root.resolve("mvn.calls") + "\"\n");
        executable(bin.resolve("java"), "#!/bin/sh\necho \"java $*\"\n");
    }

    private record Run(int code, String out, String err, boolean built) {}

    private Run launch(boolean noBuild) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("deploy/bin/aha").toString(), "--version");
        pb.environment().put("PATH", root.resolve("fakebin") + ":" + System.getenv("PATH"));
        pb.environment().remove("AHA_NO_BUILD");
        if (noBuild) {
            pb.environment().put("AHA_NO_BUILD", "1");
        }
        Path out = root.resolve("out.txt");
        Path err = root.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher hung");
        boolean rebuilt = Files.exists(root.resolve("mvn.calls"));
        Files.deleteIfExists(root.resolve("mvn.calls"));
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), rebuilt);
    }

    private void age(Path file, long secondsAgo) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
    }

    @Test
    void anUpToDateDistributionRunsWithoutABuild() throws Exception {
        age(source, 600);
        age(root.resolve("pom.xml"), 600);
        age(built, 60);
        Run r = launch(false);
        assertEquals(0, r.code(), r.err());
        assertFalse(r.built(), r.err());
        assertTrue(r.out().contains("dev.aha.app.cli.Aha --version"), r.out());
    }

    @Test
    void changedSourcesAreRebuiltFirst() throws Exception {
        age(built, 600);
        age(root.resolve("pom.xml"), 600);
        age(source, 60);
        Run r = launch(false);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.built(), "mvn was not run: " + r.err());
        assertTrue(r.err().contains("sources changed since the last build"), r.err());
        assertTrue(r.out().contains("dev.aha.app.cli.Aha --version"), r.out());
    }

    @Test
    void withAhaNoBuildItWarnsAndRunsTheOldDistribution() throws Exception {
        age(built, 600);
        age(root.resolve("pom.xml"), 600);
        age(source, 60);
        Run r = launch(true);
        assertEquals(0, r.code(), r.err());
        assertFalse(r.built(), r.err());
        assertTrue(r.err().contains("warning: sources changed since the distribution was built"), r.err());
    }
}
