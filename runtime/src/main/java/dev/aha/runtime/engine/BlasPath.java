package dev.aha.runtime.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * Which code path libtorch's BLAS takes in this process, from facts the process can read: libtorch's build (MKL or
 * not), the CPU's vendor and instruction sets, whether {@value #BYPASS_LIBRARY} (MKL's vendor-check bypass, see
 * deploy/src/main/native/aha_mkl_vendor.c) is mapped, whether libtorch_cpu.so exports the function it replaces, and
 * {@code MKL_ENABLE_INSTRUCTIONS}. MKL chooses its kernels by cpuid on Intel and, when the vendor check answers
 * "Intel", on AMD alike; otherwise it stays on its path for other vendors. MKL cannot be asked directly: its verbose
 * banner names the same "Intel(R) Architecture processors" on both paths, and Java 17 has no stable way to call it.
 *
 * @param blas {@code mkl}, or {@code libtorch's own} when libtorch was built without MKL (ARM builds)
 * @param path {@code avx512}, {@code avx2}, {@code avx}, {@code sse4_2}, {@code generic} or {@code unknown}
 * @param cpu vendor and model
 * @param bypass whether MKL's vendor check is answered by {@value #BYPASS_LIBRARY}
 * @param reason why this path, in words
 * @param features the instruction sets that matter to BLAS and bf16 kernels, those this CPU has
 */
public record BlasPath(String blas, String path, String cpu, boolean bypass, String reason, List<String> features) {

    public static final String BYPASS_LIBRARY = "libaha_mkl_vendor.so";
    /** MKL's vendor check; the bypass defines it to return 1. */
    public static final String VENDOR_CHECK = "mkl_serv_intel_cpu_true";
    static final String LIBTORCH = "libtorch_cpu.so";
    static final Path MAPS = Path.of("/proc/self/maps");

    private static final String KEPT = "no bypass (AHA_MKL_VENDOR_CHECK=keep)";
    private static final List<String> FEATURES = List.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq",
            "avx512_vnni", "avx512_bf16", "amx_bf16");
    /** MKL's code paths, slowest first; MKL_ENABLE_INSTRUCTIONS names them in upper case. */
    private static final List<String> PATHS = List.of("generic", "sse4_2", "avx", "avx2", "avx512");

    public BlasPath {
        features = List.copyOf(features);
    }

    /** This process's: loads the engine (to ask libtorch whether it has MKL) and reads /proc. */
    public static BlasPath detect() {
        Engine.getEngine(ComputeThreads.ENGINE);
        String maps;
        try {
            maps = Files.readString(MAPS);
        } catch (IOException e) {
            maps = "";
        }
        return of(CpuInfo.read(), maps, JniUtils.getFeatures().contains("MKL"),
                lib -> ElfExports.interposable(lib, VENDOR_CHECK), System.getenv());
    }

    /**
     * @param maps the text of /proc/self/maps: which libraries are loaded, and from where
     * @param mkl whether libtorch was built with MKL (its show_config)
     * @param exportsVendorCheck whether a libtorch_cpu.so file exports {@value #VENDOR_CHECK} for a preload to replace
     * @param env the process environment: MKL_ENABLE_INSTRUCTIONS caps MKL's path; AHA_MKL_VENDOR_CHECK=keep is why
     *     the launcher preloaded nothing
     */
    public static BlasPath of(CpuInfo cpu, String maps, boolean mkl, Predicate<Path> exportsVendorCheck,
            Map<String, String> env) {
        List<String> features = FEATURES.stream().filter(cpu::has).toList();
        if (!mkl) {
            return new BlasPath("libtorch's own", "unknown", cpu.describe(), false, "libtorch was built without MKL",
                    features);
        }
        if (cpu.vendor().isEmpty()) {
            return new BlasPath("mkl", "unknown", cpu.describe(), false, "no /proc/cpuinfo to read", features);
        }
        String widest = widest(cpu);
        String cap = env.getOrDefault("MKL_ENABLE_INSTRUCTIONS", "");
        String path = capped(widest, cap);
        String capNote = path.equals(widest) ? "" : ", capped by MKL_ENABLE_INSTRUCTIONS=" + cap;
        if (cpu.vendor().equals(CpuInfo.INTEL)) {
            return new BlasPath("mkl", path, cpu.describe(), false, "Intel CPU" + capNote, features);
        }
        Optional<Path> bypass = mapped(maps, BYPASS_LIBRARY);
        Optional<Path> libtorch = mapped(maps, LIBTORCH);
        String vendor = "vendor check: " + (cpu.vendor().equals(CpuInfo.AMD) ? "AMD" : cpu.vendor()) + " CPU, ";
        if (bypass.isPresent() && libtorch.isPresent() && exportsVendorCheck.test(libtorch.get())) {
            return new BlasPath("mkl", path, cpu.describe(), true,
                    "vendor check bypassed by " + BYPASS_LIBRARY + capNote, features);
        }
        String why;
        if (bypass.isPresent()) {
            why = BYPASS_LIBRARY + " is loaded but " + libtorch.map(Path::toString).orElse(LIBTORCH + " (not loaded)")
                    + " does not export " + VENDOR_CHECK;
        } else if ("keep".equals(env.get("AHA_MKL_VENDOR_CHECK"))) {
            why = KEPT;
        } else {
            why = "no bypass: " + BYPASS_LIBRARY + " is not preloaded (deploy/bin/aha builds it where cc exists; "
                    + "README, Configuration)";
        }
        return new BlasPath("mkl", "generic", cpu.describe(), false, vendor + why, features);
    }

    /** Whether this is MKL's slow path on a CPU that has faster ones: the vendor check, not the hardware. */
    public boolean heldBackByVendorCheck() {
        return blas.equals("mkl") && path.equals("generic") && features.contains("avx2");
    }

    /** One line for the log, e.g. {@code BLAS: MKL on its AVX-512 path (Intel CPU), GenuineIntel Intel(R) Xeon(R)}. */
    public String message() {
        String what = blas.equals("mkl") ? "MKL on its " + label(path) + " path" : "libtorch's own (not MKL)";
        return "BLAS: " + what + " (" + reason + "), " + cpu;
    }

    /** A warning when the vendor check holds MKL back and nobody asked for that; information otherwise. */
    public void log(Logger log) {
        if (heldBackByVendorCheck() && !reason.endsWith(KEPT)) {
            log.warn(message());
        } else {
            log.info(message());
        }
    }

    /** The widest path MKL has for this CPU's instruction sets (its AVX-512 path wants Skylake-SP's four). */
    private static String widest(CpuInfo cpu) {
        if (Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq").stream().allMatch(cpu::has)) {
            return "avx512";
        }
        if (cpu.has("avx2") && cpu.has("fma")) {
            return "avx2";
        }
        return cpu.has("avx") ? "avx" : cpu.has("sse4_2") ? "sse4_2" : "generic";
    }

    /** MKL_ENABLE_INSTRUCTIONS=AVX2 (SSE4_2, AVX, AVX512, AVX512_E1, ...) is a ceiling, never a floor. */
    private static String capped(String widest, String setting) {
        String value = setting.strip().toUpperCase(Locale.ROOT);
        String ceiling = value.startsWith("AVX512") || value.startsWith("AVX10") ? "avx512"
                : value.startsWith("AVX2") ? "avx2" : value.startsWith("AVX") ? "avx"
                : value.startsWith("SSE4_2") ? "sse4_2" : "avx512";
        return PATHS.indexOf(ceiling) < PATHS.indexOf(widest) ? ceiling : widest;
    }

    /** The file of a mapped library whose name is {@code name} (or a versioned {@code name.N}). */
    static Optional<Path> mapped(String maps, String name) {
        return maps.lines()
                .map(line -> line.split("\\s+", 6))
                .filter(fields -> fields.length == 6 && fields[5].startsWith("/"))
                .map(fields -> fields[5].strip())
                .filter(file -> {
                    String base = file.substring(file.lastIndexOf('/') + 1);
                    return base.equals(name) || base.startsWith(name + ".");
                })
                .findFirst()
                .map(Path::of);
    }

    private static String label(String path) {
        return switch (path) {
            case "avx512" -> "AVX-512";
            case "avx2" -> "AVX2";
            case "avx" -> "AVX";
            case "sse4_2" -> "SSE4.2";
            default -> path;
        };
    }
}
