package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * aha-local-cluster never starts a run over another: a named --out whose run/ holds one is refused before any node
 * starts. Run against a copy of the script whose stand-in bin/aha records any call.
 */
class LocalClusterFolderTest {

    @TempDir
    Path root;

    @Test
    void aNamedOutThatHoldsARunIsRefusedBeforeAnyNodeStarts() throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("bin", "aha-local-cluster"), bin.resolve("aha-local-cluster"));
        Path calls = root.resolve("calls");
        Files.writeString(bin.resolve("aha"), "#!/usr/bin/env bash\necho \"$@\" >> " + calls + "\n");
        Files.setPosixFilePermissions(bin.resolve("aha"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = root.resolve("earlier");
        Files.createDirectories(out.resolve("run"));
        Files.writeString(out.resolve("run").resolve("metrics.jsonl"), "{\"step\":1}\n");

        Process p = new ProcessBuilder("bash", bin.resolve("aha-local-cluster").toString(), "--minutes", "1",
                "--out", out.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), said);
        assertTrue(said.contains(out + " holds a run already"), said);
        assertFalse(Files.exists(calls), "no node was started");
        assertEquals("{\"step\":1}\n", Files.readString(out.resolve("run").resolve("metrics.jsonl")));
        assertFalse(Files.exists(out.resolve("seed.log")));
    }

    @Test
    void aBadHttpPortIsRefusedBeforeAnyNodeStarts() throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("bin", "aha-local-cluster"), bin.resolve("aha-local-cluster"));
        Path calls = root.resolve("calls");
        Files.writeString(bin.resolve("aha"), "#!/usr/bin/env bash\necho \"$@\" >> " + calls + "\n");
        Files.setPosixFilePermissions(bin.resolve("aha"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Process p = new ProcessBuilder("bash", bin.resolve("aha-local-cluster").toString(), "--minutes", "1",
                "--out", root.resolve("new").toString(), "--http-port", "nine").redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), said);
        assertTrue(said.contains("--http-port must be a port number"), said);
        assertFalse(Files.exists(calls), "no node was started");
    }
}
