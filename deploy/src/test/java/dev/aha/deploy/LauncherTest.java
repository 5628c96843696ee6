package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/bin/aha never runs a distribution older than the sources without saying so: it rebuilds, or with
 * AHA_NO_BUILD=1 warns. On AMD it preloads MKL's vendor-check bypass (built once with cc) unless told to keep the
 * check, and nowhere else. Run against a copy of the launcher in a fake checkout, with stand-ins for mvn and java.
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
        Path nativeSource = Files.createDirectories(root.resolve("deploy/src/main/native")).resolve(VENDOR_SOURCE);
        Files.copy(Path.of("src/main/native").resolve(VENDOR_SOURCE), nativeSource);
        age(nativeSource, 3600);
        Path dist = Files.createDirectories(root.resolve("deploy/target/dist/lib"));
        Files.writeString(root.resolve("deploy/target/dist/jvm.options"), "-Xss1m\n");
        Files.writeString(dist.resolve("aha-runtime-0.1.0-SNAPSHOT.jar"), "jar");
        source = Files.createDirectories(root.resolve("runtime/src/main/java")).resolve("Policy.java");
        Files.writeString(source, "class Policy {}");
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        built = root.resolve("deploy/target/dist/.built");
        Files.writeString(built, "");
        Path bin = Files.createDirectories(root.resolve("fakebin"));
        // mvn stands in for the build: it records that it ran; java for the CLI: it prints its arguments and LD_PRELOAD
        executable(bin.resolve("mvn"), "#!/bin/sh\necho built >> \"" + root.resolve("mvn.calls") + "\"\n");
        executable(bin.resolve("java"), "#!/bin/sh\necho \"java $*\"\necho \"LD_PRELOAD=$LD_PRELOAD\"\n");
    }

    private record Run(int code, String out, String err, boolean built) {
        /** What the launcher put in LD_PRELOAD for the JVM ("" for nothing). */
        String preload() {
            return out.lines().filter(l -> l.startsWith("LD_PRELOAD=")).findFirst().orElse("LD_PRELOAD=")
                    .substring("LD_PRELOAD=".length());
        }
    }

    private Run launch(boolean noBuild) throws Exception {
        return launch(noBuild, Map.of());
    }

    private Run launch(Map<String, String> env) throws Exception {
        return launch(false, env);
    }

    private Run launch(boolean noBuild, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("deploy/bin/aha").toString(), "--version");
        pb.environment().put("PATH", root.resolve("fakebin") + ":" + System.getenv("PATH"));
        for (String variable : List.of("AHA_NO_BUILD", "AHA_MKL_VENDOR_CHECK", "LD_PRELOAD", "CC")) {
            pb.environment().remove(variable);
        }
        // the bypass is built into the user's cache: here, this test's folder; the CPU is a fixture's unless a test
        // names none
        pb.environment().put("XDG_CACHE_HOME", root.resolve("cache").toString());
        pb.environment().put("AHA_CPUINFO", root.resolve("cpuinfo").toString());
        pb.environment().putAll(env);
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

    private static void age(Path file, long secondsAgo) throws IOException {
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

    // ---- MKL's vendor check ----

    private static final String VENDOR_SOURCE = "aha_mkl_vendor.c";
    private static final String AMD = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R14\n";
    private static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n";

    private Path cachedBypass() {
        return root.resolve("cache/aha/libaha_mkl_vendor.so");
    }

    private void cpu(String cpuinfo) throws IOException {
        Files.writeString(root.resolve("cpuinfo"), cpuinfo);
    }

    private static boolean compilerHere() {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "cc")));
    }

    private static void assumeX86() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the bypass is for x86_64 only");
    }

    @Test
    void onAmdItBuildsTheBypassOnceAndPreloadsIt() throws Exception {
        assumeX86();
        assumeTrue(compilerHere(), "no cc here");
        cpu(AMD);
        Run first = launch(Map.of("LD_PRELOAD", "/usr/lib/other.so"));
        assertEquals(0, first.code(), first.err());
        assertEquals(cachedBypass() + ":/usr/lib/other.so", first.preload(), first.out());
        byte[] elf = Files.readAllBytes(cachedBypass());
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(elf, 4), "not a shared library");
        FileTime built = Files.getLastModifiedTime(cachedBypass());

        Run second = launch(Map.of());
        assertEquals(cachedBypass().toString(), second.preload(), second.out());
        assertEquals(built, Files.getLastModifiedTime(cachedBypass()), "built again though the source is unchanged");
        try (Stream<Path> files = Files.list(cachedBypass().getParent())) {
            assertEquals(List.of(cachedBypass()), files.collect(Collectors.toList()), "a half-built file was left");
        }
    }

    @Test
    void aShippedBypassIsPreloadedWithoutACompiler() throws Exception {
        assumeX86();
        cpu(AMD);
        Path shipped = Files.createDirectories(root.resolve("deploy/target/dist/native")).resolve("libaha_mkl_vendor.so");
        Files.writeString(shipped, "built by the image");
        Run r = launch(Map.of("CC", "no-such-compiler"));
        assertEquals(0, r.code(), r.err());
        assertEquals(shipped.toString(), r.preload(), r.out());
        assertFalse(Files.exists(cachedBypass()));
    }

    @Test
    void withoutACompilerNothingIsPreloadedAndTheLauncherStillRuns() throws Exception {
        assumeX86();
        cpu(AMD);
        Run r = launch(Map.of("CC", "no-such-compiler"));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.preload(), r.out());
        assertEquals("", r.err());
        assertTrue(r.out().contains("dev.aha.app.cli.Aha --version"), r.out());
    }

    @Test
    void aCompilerThatFailsIsOneNoteAndNoPreload() throws Exception {
        assumeX86();
        cpu(AMD);
        executable(root.resolve("fakebin/broken-cc"), "#!/bin/sh\nexit 1\n");
        Run r = launch(Map.of("CC", "broken-cc"));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.preload(), r.out());
        assertEquals("aha: note: broken-cc could not build " + cachedBypass() + "; libtorch's MKL stays on its generic "
                + "path on this AMD CPU", r.err().strip());
        try (Stream<Path> files = Files.list(cachedBypass().getParent())) {
            assertEquals(0, files.count(), "the failed build left a file");
        }
    }

    @Test
    void keepLeavesTheVendorCheckAlone() throws Exception {
        cpu(AMD);
        Run r = launch(Map.of("AHA_MKL_VENDOR_CHECK", "keep"));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.preload(), r.out());
        assertFalse(Files.exists(cachedBypass()));
    }

    @Test
    void intelCpusGetNoPreload() throws Exception {
        cpu(INTEL);
        Run r = launch(Map.of());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.preload(), r.out());
        assertFalse(Files.exists(cachedBypass()));
    }

    @Test
    void otherArchitecturesGetNoPreload() throws Exception {
        cpu(AMD); // never the case on ARM, but the architecture alone must decide
        executable(root.resolve("fakebin/uname"), "#!/bin/sh\necho aarch64\n");
        Run r = launch(Map.of());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.preload(), r.out());
        assertFalse(Files.exists(cachedBypass()));
    }

    @Test
    void anUnknownSettingIsOneLineBeforeAnyBuild() throws Exception {
        age(built, 600);
        age(source, 60);
        Run r = launch(Map.of("AHA_MKL_VENDOR_CHECK", "off"));
        assertEquals(2, r.code());
        assertEquals("aha: AHA_MKL_VENDOR_CHECK must be bypass or keep, was 'off'", r.err().strip());
        assertFalse(r.built(), "built before refusing the setting");
        assertEquals("", r.out());
    }
}
