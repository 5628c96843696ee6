package dev.aha.runtime.tokenizer;

import dev.aha.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The real Hugging Face tokenizer Aha ships: Qwen3's (Apache-2.0; see the README beside it under
 * {@code dev/aha/runtime/tokenizer/qwen3/}). A random model of a published shape needs a real vocabulary wherever
 * one is written out with it (a GGUF file for llama.cpp), and the tests read it too. The tokenizer library reads
 * plain files, so the folder is written once into {@code ~/.cache/aha/tokenizers} (or a temporary folder).
 */
public final class BundledTokenizers {

    private static final String ROOT = "/dev/aha/runtime/tokenizer/";

    private BundledTokenizers() {}

    /** A folder holding Qwen3's tokenizer.json and tokenizer_config.json. */
    public static synchronized Path qwen3() {
        Path dir = cache().resolve("qwen3");
        extract("qwen3/tokenizer.json", dir.resolve("tokenizer.json"));
        extract("qwen3/tokenizer_config.json", dir.resolve("tokenizer_config.json"));
        return dir;
    }

    private static void extract(String name, Path target) {
        if (Files.isRegularFile(target)) {
            return;
        }
        try (InputStream in = open(name)) {
            AtomicFiles.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the bundled tokenizer file " + target, e);
        }
    }

    private static InputStream open(String name) throws IOException {
        InputStream gz = BundledTokenizers.class.getResourceAsStream(ROOT + name + ".gz");
        if (gz != null) {
            return new GZIPInputStream(gz, 1 << 16);
        }
        InputStream plain = BundledTokenizers.class.getResourceAsStream(ROOT + name);
        if (plain == null) {
            throw new IllegalStateException(ROOT + name + " is missing from the runtime jar");
        }
        return plain;
    }

    private static Path cache() {
        String home = System.getProperty("user.home");
        Path dir = home != null ? Path.of(home, ".cache", "aha", "tokenizers") : null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
                if (Files.isWritable(dir)) {
                    return dir;
                }
            }
            Path temp = Files.createTempDirectory("aha-tokenizers-");
            temp.toFile().deleteOnExit();
            return temp;
        } catch (IOException e) {
            throw new UncheckedIOException("no folder to write the bundled tokenizer into", e);
        }
    }
}
