package dev.aha.runtime.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The first processor's entry in {@code /proc/cpuinfo}: who made it and which instruction sets it has. x86 kernels
 * write {@code vendor_id}, {@code model name} and {@code flags}; ARM kernels write {@code CPU implementer} and
 * {@code Features} instead.
 *
 * @param vendor {@code GenuineIntel}, {@code AuthenticAMD}, {@code arm (implementer 0x41)}, or "" when unknown
 * @param model the marketing name, or "" when the kernel gives none
 */
public record CpuInfo(String vendor, String model, Set<String> flags) {

    public static final Path PROC = Path.of("/proc/cpuinfo");
    public static final String INTEL = "GenuineIntel";
    public static final String AMD = "AuthenticAMD";

    public CpuInfo {
        flags = Set.copyOf(flags);
    }

    /** This machine's; an unknown CPU where the file cannot be read (not Linux). */
    public static CpuInfo read() {
        try {
            return parse(Files.readString(PROC));
        } catch (IOException e) {
            return new CpuInfo("", "", Set.of());
        }
    }

    public static CpuInfo parse(String text) {
        Map<String, String> first = new HashMap<>();
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                if (!first.isEmpty()) {
                    break; // the next processor: the first one speaks for the machine
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                first.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        String vendor = first.getOrDefault("vendor_id", "");
        if (vendor.isEmpty() && first.containsKey("CPU implementer")) {
            vendor = "arm (implementer " + first.get("CPU implementer") + ")";
        }
        String flags = first.getOrDefault("flags", first.getOrDefault("Features", ""));
        return new CpuInfo(vendor, first.getOrDefault("model name", ""),
                flags.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(flags.split("\\s+"))));
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    /** Vendor and model, as one phrase for a log line. */
    public String describe() {
        String both = (vendor + " " + model).strip();
        return both.isEmpty() ? "unknown CPU" : both;
    }
}
