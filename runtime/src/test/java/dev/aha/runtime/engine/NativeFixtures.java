package dev.aha.runtime.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared libraries built for a test with the machine's C compiler, where there is one. */
final class NativeFixtures {

    /** The bypass the launcher builds and preloads (in the deploy module of this checkout). */
    static final Path BYPASS_SOURCE = Path.of("../deploy/src/main/native/aha_mkl_vendor.c");

    private NativeFixtures() {}

    static boolean compilerHere() {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "cc")));
    }

    /** {@code cc -shared -fPIC -O2} of {@code source} into {@code library}, as deploy/bin/aha builds the bypass. */
    static Path compile(Path source, Path library) throws IOException, InterruptedException {
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-O2", "-o", library.toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(cc.getInputStream().readAllBytes());
        if (!cc.waitFor(60, TimeUnit.SECONDS) || cc.exitValue() != 0) {
            throw new IllegalStateException("cc failed on " + source + ": " + output);
        }
        return library;
    }

    static Path compile(String code, Path folder, String name) throws IOException, InterruptedException {
        Path source = Files.writeString(folder.resolve(name + ".c"), code);
        return compile(source, folder.resolve("lib" + name + ".so"));
    }
}
