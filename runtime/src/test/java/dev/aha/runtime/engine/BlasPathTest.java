package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Which path MKL takes, from /proc/cpuinfo and /proc/self/maps texts of Intel, AMD (with and without the bypass),
 * ARM and a libtorch without MKL; and the one line that says so.
 */
class BlasPathTest {

    private static final String LIBTORCH = "/root/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64/libtorch_cpu.so";
    private static final String MAPS = """
            5562ed0cf000-5562ed0d1000 r--p 00000000 fe:00 260386                     /usr/lib/jvm/java-17/bin/java
            55630283a000-55630285b000 rw-p 00000000 00:00 0                          [heap]
            7fccaaa00000-7fccbf3bc000 r-xp 00000000 fe:00 16039956                   %s
            7fccbf3bc000-7fccbf617000 r--p 149bb000 fe:00 16039956                   %s
            7ffd1c5c5000-7ffd1c5e6000 rw-p 00000000 00:00 0                          [stack]
            """.formatted(LIBTORCH, LIBTORCH);
    private static final String MAPS_WITH_BYPASS = """
            7fe13f3b2000-7fe13f3b3000 r--p 00000000 fe:00 2156373                    /home/me/.cache/aha/libaha_mkl_vendor.so
            7fe13f3b3000-7fe13f3b4000 r-xp 00001000 fe:00 2156373                    /home/me/.cache/aha/libaha_mkl_vendor.so
            """ + MAPS;
    private static final Predicate<Path> EXPORTED = p -> p.equals(Path.of(LIBTORCH));
    private static final Predicate<Path> NOT_EXPORTED = p -> false;

    private static BlasPath of(String cpuinfo, String maps, boolean mkl, Predicate<Path> exported, Map<String, String> env) {
        return BlasPath.of(CpuInfo.parse(cpuinfo), maps, mkl, exported, env);
    }

    @Test
    void intelTakesItsWidestPathWithoutABypass() {
        BlasPath p = of(CpuInfoTest.INTEL_XEON, MAPS, true, NOT_EXPORTED, Map.of());
        assertEquals(new BlasPath("mkl", "avx512", "GenuineIntel Intel(R) Xeon(R) Platinum 8488C", false, "Intel CPU",
                List.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16",
                        "amx_bf16")), p);
        assertEquals("BLAS: MKL on its AVX-512 path (Intel CPU), GenuineIntel Intel(R) Xeon(R) Platinum 8488C",
                p.message());
        assertFalse(p.heldBackByVendorCheck());
    }

    @Test
    void amdWithTheBypassTakesItsAvx512Path() {
        BlasPath p = of(CpuInfoTest.AMD_EPYC, MAPS_WITH_BYPASS, true, EXPORTED, Map.of());
        assertEquals("avx512", p.path());
        assertTrue(p.bypass());
        assertEquals("BLAS: MKL on its AVX-512 path (vendor check bypassed by libaha_mkl_vendor.so), AuthenticAMD AMD "
                + "EPYC 9R14 96-Core Processor", p.message());
        assertFalse(p.heldBackByVendorCheck());
    }

    @Test
    void amdWithoutAvx512TakesAvx2WithTheBypass() {
        BlasPath p = of(CpuInfoTest.AMD_ZEN2, MAPS_WITH_BYPASS, true, EXPORTED, Map.of());
        assertEquals("avx2", p.path());
        assertEquals(List.of("avx2", "fma"), p.features());
    }

    @Test
    void amdWithoutTheBypassIsOnTheGenericPathAndSaysWhereToGetIt() {
        BlasPath p = of(CpuInfoTest.AMD_EPYC, MAPS, true, EXPORTED, Map.of());
        assertEquals("generic", p.path());
        assertFalse(p.bypass());
        assertTrue(p.heldBackByVendorCheck());
        assertEquals("BLAS: MKL on its generic path (vendor check: AMD CPU, no bypass: libaha_mkl_vendor.so is not "
                + "preloaded (deploy/bin/aha builds it where cc exists; README, Configuration)), AuthenticAMD AMD EPYC "
                + "9R14 96-Core Processor", p.message());
    }

    @Test
    void amdWithTheCheckKeptSaysItWasAsked() {
        BlasPath p = of(CpuInfoTest.AMD_EPYC, MAPS, true, EXPORTED, Map.of("AHA_MKL_VENDOR_CHECK", "keep"));
        assertEquals("generic", p.path());
        assertEquals("vendor check: AMD CPU, no bypass (AHA_MKL_VENDOR_CHECK=keep)", p.reason());
    }

    @Test
    void aBypassThatLibtorchDoesNotLetReplaceTheCheckIsNoBypass() {
        BlasPath p = of(CpuInfoTest.AMD_EPYC, MAPS_WITH_BYPASS, true, NOT_EXPORTED, Map.of());
        assertEquals("generic", p.path());
        assertFalse(p.bypass());
        assertEquals("vendor check: AMD CPU, libaha_mkl_vendor.so is loaded but " + LIBTORCH
                + " does not export mkl_serv_intel_cpu_true", p.reason());
    }

    @Test
    void mklEnableInstructionsIsACeiling() {
        BlasPath capped = of(CpuInfoTest.INTEL_XEON, MAPS, true, NOT_EXPORTED, Map.of("MKL_ENABLE_INSTRUCTIONS", "AVX2"));
        assertEquals("avx2", capped.path());
        assertEquals("Intel CPU, capped by MKL_ENABLE_INSTRUCTIONS=AVX2", capped.reason());
        BlasPath notRaised = of(CpuInfoTest.AMD_ZEN2, MAPS_WITH_BYPASS, true, EXPORTED,
                Map.of("MKL_ENABLE_INSTRUCTIONS", "AVX512_E1"));
        assertEquals("avx2", notRaised.path());
        assertEquals("vendor check bypassed by libaha_mkl_vendor.so", notRaised.reason());
        BlasPath stillGeneric = of(CpuInfoTest.AMD_EPYC, MAPS, true, EXPORTED, Map.of("MKL_ENABLE_INSTRUCTIONS", "AVX512"));
        assertEquals("generic", stillGeneric.path());
    }

    @Test
    void aLibtorchWithoutMklOnArmIsItsOwn() {
        BlasPath p = of(CpuInfoTest.ARM, MAPS, false, NOT_EXPORTED, Map.of());
        assertEquals(new BlasPath("libtorch's own", "unknown", "arm (implementer 0x41)", false,
                "libtorch was built without MKL", List.of()), p);
        assertEquals("BLAS: libtorch's own (not MKL) (libtorch was built without MKL), arm (implementer 0x41)",
                p.message());
    }

    @Test
    void withoutCpuinfoThePathIsUnknown() {
        BlasPath p = of("", MAPS, true, EXPORTED, Map.of());
        assertEquals("unknown", p.path());
        assertEquals("BLAS: MKL on its unknown path (no /proc/cpuinfo to read), unknown CPU", p.message());
    }

    @Test
    void mappedFindsLibrariesByNameNotBySubstring() {
        assertEquals(Path.of(LIBTORCH), BlasPath.mapped(MAPS, "libtorch_cpu.so").orElseThrow());
        assertTrue(BlasPath.mapped(MAPS, "libtorch.so").isEmpty());
        assertTrue(BlasPath.mapped(MAPS, "libaha_mkl_vendor.so").isEmpty());
        assertEquals(Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"), BlasPath.mapped(
                "7f0-7f1 r-xp 00000000 fe:00 1   /usr/lib/x86_64-linux-gnu/libc.so.6\n", "libc.so").orElseThrow());
    }

    @Test
    void theVendorCheckHoldingMklBackIsAWarningUnlessAskedFor() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger logger = new LoggerContext().getLogger("blas");
        logger.addAppender(appender);
        of(CpuInfoTest.AMD_EPYC, MAPS, true, EXPORTED, Map.of()).log(logger);
        of(CpuInfoTest.AMD_EPYC, MAPS, true, EXPORTED, Map.of("AHA_MKL_VENDOR_CHECK", "keep")).log(logger);
        of(CpuInfoTest.AMD_EPYC, MAPS_WITH_BYPASS, true, EXPORTED, Map.of()).log(logger);
        List<Level> levels = appender.list.stream().map(ILoggingEvent::getLevel).toList();
        assertEquals(List.of(Level.WARN, Level.INFO, Level.INFO), levels);
        for (ILoggingEvent e : appender.list) {
            assertTrue(e.getFormattedMessage().startsWith("BLAS: MKL on its "), e.getFormattedMessage());
            assertFalse(e.getFormattedMessage().contains("\n"), "more than one line: " + e.getFormattedMessage());
        }
    }

    /** The engine's first load logs this process's path once: what detect() finds here, from the real files. */
    @Test
    void theEngineReportsThisProcesssPath() {
        BlasPath here = ComputeThreads.blasPath();
        assertEquals(BlasPath.detect(), here);
        assertEquals(ComputeThreads.blasPath(), here);
        if (System.getProperty("os.arch").equals("amd64")) {
            assertEquals("mkl", here.blas(), "DJL's x86_64 libtorch carries MKL: " + here);
        }
        String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
        assertEquals(preload.contains(BlasPath.BYPASS_LIBRARY) && !CpuInfo.read().vendor().equals(CpuInfo.INTEL),
                here.bypass(), here.toString());
    }
}
