package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** /proc/cpuinfo as x86 and ARM kernels write it: the first processor speaks for the machine. */
class CpuInfoTest {

    static final String AMD_EPYC = """
            processor	: 0
            vendor_id	: AuthenticAMD
            cpu family	: 25
            model name	: AMD EPYC 9R14 96-Core Processor
            flags		: fpu sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16 avx512f

            processor	: 1
            vendor_id	: SomeoneElse
            model name	: not this one
            flags		: fpu
            """;
    static final String AMD_ZEN2 = """
            processor	: 0
            vendor_id	: AuthenticAMD
            model name	: AMD EPYC 7R32
            flags		: fpu sse4_2 avx avx2 fma
            """;
    static final String INTEL_XEON = """
            processor	: 0
            vendor_id	: GenuineIntel
            model name	: Intel(R) Xeon(R) Platinum 8488C
            flags		: fpu sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16 amx_bf16
            """;
    static final String ARM = """
            processor	: 0
            BogoMIPS	: 243.75
            Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid sve bf16
            CPU implementer	: 0x41
            CPU architecture: 8
            CPU part	: 0xd40
            """;

    @Test
    void readsTheFirstX86Processor() {
        CpuInfo cpu = CpuInfo.parse(AMD_EPYC);
        assertEquals("AuthenticAMD", cpu.vendor());
        assertEquals("AMD EPYC 9R14 96-Core Processor", cpu.model());
        assertTrue(cpu.has("avx512_bf16") && cpu.has("avx512f"), cpu.flags().toString());
        assertFalse(cpu.has("amx_bf16"));
        assertEquals("AuthenticAMD AMD EPYC 9R14 96-Core Processor", cpu.describe());
    }

    @Test
    void readsArmFeaturesAndImplementer() {
        CpuInfo cpu = CpuInfo.parse(ARM);
        assertEquals("arm (implementer 0x41)", cpu.vendor());
        assertEquals("", cpu.model());
        assertTrue(cpu.has("asimd") && cpu.has("bf16"));
        assertEquals("arm (implementer 0x41)", cpu.describe());
    }

    @Test
    void anEmptyFileIsAnUnknownCpu() {
        CpuInfo cpu = CpuInfo.parse("");
        assertEquals(new CpuInfo("", "", Set.of()), cpu);
        assertEquals("unknown CPU", cpu.describe());
    }

    @Test
    void thisMachinesIsReadable() {
        CpuInfo cpu = CpuInfo.read();
        assertFalse(cpu.vendor().isEmpty(), "no vendor in " + CpuInfo.PROC);
    }
}
