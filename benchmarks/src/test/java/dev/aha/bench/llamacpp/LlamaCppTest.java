package dev.aha.bench.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding llama.cpp and what is said when it is not there; the driver's own answers (no model needed) where node
 * and node-llama-cpp are installed. The GGUF parity check against Aha's sampler is app's GgufExportTest.
 */
class LlamaCppTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void withoutNodeOnThePathItSaysToInstallNode() {
        LlamaCpp.Located located = LlamaCpp.locate(Map.of("PATH", dir.toString()), TIMEOUT);
        assertTrue(located.llamaCpp().isEmpty());
        assertTrue(located.missing().startsWith("llama.cpp needs node (Node.js 20 or later) on the PATH"),
                located.missing());
        LlamaCppMissingException e = assertThrows(LlamaCppMissingException.class, located::get);
        assertEquals(located.missing(), e.getMessage());
    }

    @Test
    void anEmptyInstallFolderIsNamedWithTheCommandThatFillsIt() throws Exception {
        Path fakeNode = Files.createFile(Files.createDirectories(dir.resolve("bin")).resolve("node"));
        assertTrue(fakeNode.toFile().setExecutable(true));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        LlamaCpp.Located located = LlamaCpp.locate(Map.of("PATH", fakeNode.getParent().toString(),
                LlamaCpp.INSTALL_ENV, empty.toString()), TIMEOUT);
        assertEquals("node-llama-cpp 3.21.1 is not installed in " + empty + ": " + LlamaCpp.INSTALL_HINT,
                located.missing());
        assertTrue(located.missing().contains("npm i -E node-llama-cpp@3.21.1"));
        LlamaCpp.Located byDefault = LlamaCpp.locate(Map.of("PATH", fakeNode.getParent().toString()), TIMEOUT);
        assertTrue(byDefault.llamaCpp().isPresent() || byDefault.missing().contains("/opt/aha-llamacpp ("
                + LlamaCpp.INSTALL_ENV + " is not set)"), byDefault.missing());
    }

    /** A stand-in for node that prints {@code stdout} and exits with {@code status}, whatever it is asked. */
    private Path fakeNode(String name, String stdout, int status) throws Exception {
        Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\nprintf '%s\\n' '" + stdout + "'\nexit "
                + status + "\n");
        assertTrue(script.toFile().setExecutable(true));
        return script;
    }

    @Test
    void whatTheChildSaysIsReadAsTheDriverWritesIt() throws Exception {
        LlamaCpp garbled = new LlamaCpp(fakeNode("garbled", "Segmentation fault", 0), dir, TIMEOUT);
        IllegalStateException e = assertThrows(IllegalStateException.class, garbled::info);
        assertEquals("llama.cpp info failed (exit 0): printed no JSON object: Segmentation fault", e.getMessage());

        LlamaCpp missing = new LlamaCpp(fakeNode("missing", "{\"error\": \"node-llama-cpp is not installed in X\"}",
                LlamaCpp.NOT_INSTALLED), dir, TIMEOUT);
        LlamaCppMissingException gone = assertThrows(LlamaCppMissingException.class, missing::info);
        assertEquals("node-llama-cpp is not installed in X", gone.getMessage());

        LlamaCpp answering = new LlamaCpp(fakeNode("answering", "{\"tokens\": [5, 7, 9]}", 0), dir, TIMEOUT);
        assertEquals(List.of(5, 7, 9), Arrays.stream(answering.greedy(dir.resolve("m.gguf"), new int[] {1}, 3, -1))
                .boxed().toList());
    }

    @Test
    void theDriverReportsAMissingInstallItselfAndAnswersInfo() throws Exception {
        LlamaCpp installed = installedOrSkip();
        JsonNode info = installed.info();
        assertEquals("3.21.1", info.get("node_llama_cpp").asText());
        assertEquals("prebuilt", info.get("build").asText(), "build: never, so only the shipped binaries");
        assertFalse(info.get("gpu").asBoolean(), "CPU only");
        assertTrue(info.get("system_info").asText().startsWith("CPU :"), info.toString());

        LlamaCpp nothingThere = new LlamaCpp(node(), Files.createDirectories(dir.resolve("none")), TIMEOUT);
        LlamaCppMissingException e = assertThrows(LlamaCppMissingException.class, nothingThere::info);
        assertTrue(e.getMessage().startsWith("node-llama-cpp is not installed in " + dir.resolve("none")),
                e.getMessage());
    }

    @Test
    void failuresComeBackAsOneLine() throws Exception {
        LlamaCpp installed = installedOrSkip();
        Path notGguf = Files.writeString(dir.resolve("x.gguf"), "not a model");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> installed.greedy(notGguf, new int[] {1, 2}, 2, -1));
        assertTrue(e.getMessage().startsWith("llama.cpp greedy failed (exit 1): "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        e = assertThrows(IllegalStateException.class, () -> installed.bench(notGguf, 1, 0, 8, 8));
        assertEquals("llama.cpp bench failed (exit 2): --threads, --sequences and --prompt-tokens must be at least 1,"
                + " --new-tokens at least 2", e.getMessage());

        e = assertThrows(IllegalStateException.class, () -> installed.greedy(notGguf, new int[0], 2, -1));
        assertEquals("llama.cpp greedy failed (exit 2): --prompt needs at least one token id", e.getMessage());

        LlamaCpp impatient = new LlamaCpp(node(), installDir(), Duration.ofMillis(1));
        e = assertThrows(IllegalStateException.class, impatient::info);
        assertEquals("llama.cpp info gave no answer within 1 ms", e.getMessage());
    }

    private static LlamaCpp installedOrSkip() {
        LlamaCpp.Located located = LlamaCpp.locate(TIMEOUT);
        if (located.llamaCpp().isEmpty()) {
            System.err.println("SKIPPED (llama.cpp): " + located.missing());
        }
        Assumptions.assumeTrue(located.llamaCpp().isPresent(), located::missing);
        return located.get();
    }

    private static Path node() {
        return installedOrSkip().node();
    }

    private static Path installDir() {
        return installedOrSkip().install();
    }
}
