package dev.aha.runtime.testing;

import dev.aha.runtime.io.AtomicFiles;
import dev.aha.runtime.tokenizer.BundledTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The real datasets and tokenizers the tests read (GSM8K, HumanEval, the Qwen3 and DeepSeek-V3 tokenizers). They are
 * kept in runtime's test resources under {@code data/} (see its README.md), files over 100 kB gzip-compressed, and
 * reach every module's tests through runtime's test-jar. The code under test reads plain files from a path (a
 * tokenizer from a folder), so each file is decompressed on first use in a JVM into {@code -Daha.test-data.dir}
 * (the build sets it to the module's {@code target/test-data}), or else into a temporary folder removed at exit.
 */
public final class TestData {

    private static final Set<String> EXTRACTED = new HashSet<>();
    private static Path dir;

    private TestData() {}

    /** {@code gsm8k/<file>}: train.jsonl or test.jsonl. */
    public static Path gsm8k(String file) {
        return file("gsm8k/" + file);
    }

    /** HumanEval's 164 problems. */
    public static Path humanEval() {
        return file("humaneval/HumanEval.jsonl");
    }

    /** A Hugging Face tokenizer folder (tokenizer.json, tokenizer_config.json): qwen3 or deepseek-v3. */
    public static Path tokenizer(String name) {
        file("tokenizers/" + name + "/tokenizer.json");
        return file("tokenizers/" + name + "/tokenizer_config.json").getParent();
    }

    /**
     * A file under {@code data/}, e.g. {@code gsm8k/test.jsonl}, as a plain file: decompressed from
     * {@code <name>.gz} where that is how it is stored. Fails naming the file when neither form is on the classpath.
     */
    public static synchronized Path file(String relative) {
        String bundled = "tokenizers/qwen3/";
        if (relative.startsWith(bundled)) { // runtime's main resources hold it (BundledTokenizers)
            return BundledTokenizers.qwen3().resolve(relative.substring(bundled.length()));
        }
        Path target = dir().resolve(relative);
        if (!EXTRACTED.contains(relative)) {
            extract(relative, target);
            EXTRACTED.add(relative);
        }
        return target;
    }

    /**
     * Written beside the target and moved over it, so a test JVM of another module (or a second build) reading
     * the same folder never sees half a file.
     */
    private static void extract(String relative, Path target) {
        try (InputStream in = open(relative)) {
            AtomicFiles.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the test data file " + target, e);
        }
    }

    private static InputStream open(String relative) throws IOException {
        ClassLoader loader = TestData.class.getClassLoader();
        InputStream gz = loader.getResourceAsStream("data/" + relative + ".gz");
        if (gz != null) {
            return new GZIPInputStream(gz, 1 << 16);
        }
        InputStream plain = loader.getResourceAsStream("data/" + relative);
        if (plain == null) {
            throw new IllegalArgumentException("no test data file data/" + relative + "[.gz] on the classpath "
                    + "(runtime/src/test/resources, shipped in runtime's test-jar)");
        }
        return plain;
    }

    private static Path dir() {
        if (dir == null) {
            String configured = System.getProperty("aha.test-data.dir");
            try {
                dir = configured != null && !configured.isBlank() ? Path.of(configured) : temporaryDir();
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a folder for the test data", e);
            }
        }
        return dir;
    }

    /** Outside a Maven build (an IDE's test run): a folder of this JVM's own, removed when it exits. */
    private static Path temporaryDir() throws IOException {
        Path tmp = Files.createTempDirectory("aha-test-data");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: a temporary folder left behind
            }
        }, "aha-test-data-cleanup"));
        return tmp;
    }
}
