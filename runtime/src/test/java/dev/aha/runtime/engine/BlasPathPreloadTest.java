package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real bypass, compiled here and preloaded into a child JVM as deploy/bin/aha does: that JVM finds it mapped,
 * finds that libtorch lets it answer MKL's vendor check, and says so; a child without it says why not.
 */
class BlasPathPreloadTest {

    @TempDir
    Path dir;

    private Map<String, String> probe(String preload) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), BlasPathProbe.class.getName());
        pb.environment().remove("AHA_MKL_VENDOR_CHECK");
        pb.environment().remove("LD_PRELOAD");
        if (preload != null) {
            pb.environment().put("LD_PRELOAD", preload);
        }
        Path out = dir.resolve("out.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe hung");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
        List<String> lines = Files.readAllLines(out);
        return lines.stream().map(l -> l.split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    }

    @Test
    void aPreloadedBypassTakesMklOffItsGenericPathOnAmd() throws Exception {
        CpuInfo cpu = CpuInfo.read();
        assumeTrue(cpu.vendor().equals(CpuInfo.AMD) && cpu.has("avx2"), "not an AMD x86_64 CPU: " + cpu.describe());
        assumeTrue(NativeFixtures.compilerHere(), "no cc here");
        Path bypass = NativeFixtures.compile(NativeFixtures.BYPASS_SOURCE, dir.resolve(BlasPath.BYPASS_LIBRARY));

        Map<String, String> with = probe(bypass.toString());
        assertEquals("true", with.get("bypass"), with.toString());
        assertEquals(cpu.has("avx512bw") ? "avx512" : "avx2", with.get("path"), with.toString());
        assertTrue(with.get("message").contains("vendor check bypassed by libaha_mkl_vendor.so"), with.toString());

        Map<String, String> without = probe(null);
        assertEquals("false", without.get("bypass"), without.toString());
        assertEquals("generic", without.get("path"), without.toString());
        assertTrue(without.get("message").contains("libaha_mkl_vendor.so is not preloaded"), without.toString());
    }
}
