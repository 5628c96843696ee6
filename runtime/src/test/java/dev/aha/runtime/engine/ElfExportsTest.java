package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A preload can replace only a defined, global, default-visibility function of the library's dynamic symbol table:
 * read from real files (DJL's libtorch, libraries compiled here), and from files that are no such library.
 */
class ElfExportsTest {

    @TempDir
    Path dir;

    private static Path libtorch() throws Exception {
        ComputeThreads.engine();
        return BlasPath.mapped(Files.readString(BlasPath.MAPS), BlasPath.LIBTORCH)
                .orElseThrow(() -> new AssertionError("libtorch_cpu.so is not mapped after the engine loaded"));
    }

    @Test
    void djlsLibtorchExportsMklsVendorCheckAndNotWhatItImports() throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "DJL's x86_64 libtorch carries MKL");
        Path libtorch = libtorch();
        assertTrue(ElfExports.interposable(libtorch, BlasPath.VENDOR_CHECK), libtorch.toString());
        assertFalse(ElfExports.interposable(libtorch, "malloc"), "malloc is imported, not defined");
        assertFalse(ElfExports.interposable(libtorch, "mkl_serv_intel_cpu_true_not"), "a longer name matched");
        assertTrue(ElfExports.interposable(libtorch, "sgemm_"), "MKL's BLAS itself");
        assertFalse(ElfExports.interposable(libtorch, "mkl_serv_intel_cpu_tru"), "a prefix matched");
    }

    @Test
    void theBypassDefinesTheCheckAndHiddenOrStaticFunctionsAreNotExports() throws Exception {
        assumeTrue(NativeFixtures.compilerHere(), "no cc here");
        Path bypass = NativeFixtures.compile(NativeFixtures.BYPASS_SOURCE, dir.resolve("libaha_mkl_vendor.so"));
        assertTrue(ElfExports.interposable(bypass, BlasPath.VENDOR_CHECK));
        Path other = NativeFixtures.compile("""
                __attribute__((visibility("hidden"))) int hidden(void) { return 1; }
                static int internal(void) { return 2; }
                int visible(void) { return hidden() + internal(); }
                """, dir, "visibility");
        assertTrue(ElfExports.interposable(other, "visible"));
        assertFalse(ElfExports.interposable(other, "hidden"));
        assertFalse(ElfExports.interposable(other, "internal"));
    }

    @Test
    void filesThatAreNoSuchLibraryExportNothing() throws Exception {
        assertFalse(ElfExports.interposable(dir.resolve("missing.so"), BlasPath.VENDOR_CHECK));
        Path text = Files.writeString(dir.resolve("text.so"), "int mkl_serv_intel_cpu_true(void) { return 1; }");
        assertFalse(ElfExports.interposable(text, BlasPath.VENDOR_CHECK));
        assertFalse(ElfExports.interposable(Files.write(dir.resolve("empty.so"), new byte[0]), BlasPath.VENDOR_CHECK));
        assumeTrue(NativeFixtures.compilerHere(), "no cc here");
        Path bypass = NativeFixtures.compile(NativeFixtures.BYPASS_SOURCE, dir.resolve("libaha_mkl_vendor.so"));
        byte[] whole = Files.readAllBytes(bypass);
        Path truncated = Files.write(dir.resolve("truncated.so"), Arrays.copyOf(whole, 200));
        assertFalse(ElfExports.interposable(truncated, BlasPath.VENDOR_CHECK), "the section table is past the end");
        byte[] bigEndian = whole.clone();
        bigEndian[5] = 2;
        assertFalse(ElfExports.interposable(Files.write(dir.resolve("big-endian.so"), bigEndian), BlasPath.VENDOR_CHECK));
    }
}
