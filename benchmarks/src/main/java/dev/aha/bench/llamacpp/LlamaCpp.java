package dev.aha.bench.llamacpp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * llama.cpp on the CPU, driven through node-llama-cpp (pinned {@value #VERSION}, its prebuilt binaries) by the
 * script {@code driver.mjs} beside this class: greedy decoding of given prompt ids (the parity check of a GGUF
 * export) and a prefill/decode benchmark with several sequences decoding together.
 *
 * <p>Where it is found: {@code node} on the PATH, and node-llama-cpp in the folder named by
 * {@value #INSTALL_ENV} (where {@code npm i -E node-llama-cpp@3.21.1} was run), else in {@link #DEFAULT_INSTALL}.
 * {@link #locate} says in one line what is missing and how to install it.
 */
public final class LlamaCpp {

    public static final String VERSION = "3.21.1";
    public static final String INSTALL_ENV = "AHA_NODE_LLAMA_CPP";
    public static final Path DEFAULT_INSTALL = Path.of("/opt/aha-llamacpp");
    public static final String INSTALL_HINT = "mkdir -p DIR && cd DIR && npm i -E node-llama-cpp@" + VERSION
            + " (about 730 MB), then set " + INSTALL_ENV + "=DIR (default " + DEFAULT_INSTALL + ")";

    static final String SCRIPT = "driver.mjs";
    /** The script's exit status when node-llama-cpp is not in the folder it was given. */
    static final int NOT_INSTALLED = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path node;
    private final Path install;
    private final Duration timeout;

    LlamaCpp(Path node, Path install, Duration timeout) {
        this.node = node;
        this.install = install;
        this.timeout = timeout;
    }

    /** The llama.cpp this machine has, or why there is none. */
    public record Located(Optional<LlamaCpp> llamaCpp, String missing) {

        public LlamaCpp get() {
            return llamaCpp.orElseThrow(() -> new LlamaCppMissingException(missing));
        }
    }

    /** Finds node and the install (see the class comment); {@code timeout} bounds every run. */
    public static Located locate(Duration timeout) {
        return locate(System.getenv(), timeout);
    }

    static Located locate(Map<String, String> env, Duration timeout) {
        Optional<Path> node = onPath(env.getOrDefault("PATH", ""), "node");
        if (node.isEmpty()) {
            return new Located(Optional.empty(), "llama.cpp needs node (Node.js 20 or later) on the PATH: "
                    + "apt-get install nodejs npm; then " + INSTALL_HINT);
        }
        String named = env.get(INSTALL_ENV);
        Path install = named == null || named.isBlank() ? DEFAULT_INSTALL : Path.of(named);
        if (!Files.isRegularFile(entry(install))) {
            return new Located(Optional.empty(), "node-llama-cpp " + VERSION + " is not installed in " + install
                    + (named == null ? " (" + INSTALL_ENV + " is not set)" : "") + ": " + INSTALL_HINT);
        }
        return new Located(Optional.of(new LlamaCpp(node.get(), install, timeout)), "");
    }

    Path node() {
        return node;
    }

    Path install() {
        return install;
    }

    static Path entry(Path install) {
        return install.resolve("node_modules/node-llama-cpp/dist/index.js");
    }

    /** node-llama-cpp's version, llama.cpp's release and which CPU build it loads; no model needed. */
    public JsonNode info() {
        return run(List.of("info"));
    }

    /**
     * Greedy decoding (temperature 0) of {@code count} tokens after {@code prompt}, stopping early after a token of
     * {@code stop}.
     *
     * @param vocabularyLimit ids at or past it are never chosen (an embedding wider than the tokenizer), or -1
     */
    public int[] greedy(Path model, int[] prompt, int count, int vocabularyLimit, int... stop) {
        List<String> args = new ArrayList<>(List.of("greedy", "--model", model.toString(), "--prompt", join(prompt),
                "--tokens", Integer.toString(count), "--stop", join(stop)));
        if (vocabularyLimit >= 0) {
            args.addAll(List.of("--vocab-limit", Integer.toString(vocabularyLimit)));
        }
        JsonNode out = run(args);
        int[] tokens = new int[out.path("tokens").size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = out.get("tokens").get(i).asInt();
        }
        return tokens;
    }

    /**
     * Prefill of {@code sequences} prompts of {@code promptTokens} ids together, then {@code newTokens} greedy
     * tokens per sequence with all sequences decoding in one batch per step.
     */
    public LlamaCppBench bench(Path model, int threads, int sequences, int promptTokens, int newTokens) {
        return LlamaCppBench.of(run(List.of("bench", "--model", model.toString(), "--threads",
                Integer.toString(threads), "--sequences", Integer.toString(sequences), "--prompt-tokens",
                Integer.toString(promptTokens), "--new-tokens", Integer.toString(newTokens))));
    }

    private JsonNode run(List<String> args) {
        Path work = null;
        Process process = null;
        try {
            work = Files.createTempDirectory("aha-llamacpp-");
            Path script = work.resolve(SCRIPT);
            try (InputStream in = LlamaCpp.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException(SCRIPT + " is missing from the benchmarks jar");
                }
                Files.copy(in, script);
            }
            List<String> command = new ArrayList<>(List.of(node.toString(), script.toString()));
            command.addAll(args);
            Path out = work.resolve("out.json");
            Path err = work.resolve("err.txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put(INSTALL_ENV, install.toString());
            process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("llama.cpp " + args.get(0) + " gave no answer within "
                        + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s"));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            JsonNode json = parse(stdout);
            if (process.exitValue() == NOT_INSTALLED) {
                throw new LlamaCppMissingException(json.path("error").asText("node-llama-cpp is missing"));
            }
            if (process.exitValue() != 0 || json.has("error")) {
                throw new IllegalStateException("llama.cpp " + args.get(0) + " failed (exit " + process.exitValue()
                        + "): " + json.path("error").asText(lastLine(Files.readString(err, StandardCharsets.UTF_8))));
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + node + " " + SCRIPT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while llama.cpp ran", e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            deleteTree(work);
        }
    }

    private static JsonNode parse(String stdout) {
        try {
            JsonNode json = JSON.readTree(stdout.isBlank() ? "{}" : lastLine(stdout));
            return json == null ? JSON.createObjectNode() : json;
        } catch (IOException e) {
            return JSON.createObjectNode().put("error", "printed no JSON object: " + lastLine(stdout));
        }
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "no output" : last;
    }

    private static String join(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    private static Optional<Path> onPath(String path, String program) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary folder: the run's result matters more
        }
    }
}
