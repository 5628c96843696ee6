package dev.aha.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch side of {@code aha bench vs-pytorch}: a Python interpreter with torch, and the script shipped in this
 * module ({@value #SCRIPT}), written to the caller's work folder and run there as a {@link PyTorchSession}.
 */
final class PyTorchPeer {

    /** Debian's interpreter: the one that sees python3-torch (a pyenv {@code python3} on PATH does not). */
    static final Path DEFAULT_PYTHON = Path.of("/usr/bin/python3");
    static final String SCRIPT = "vs_pytorch.py";
    static final String INSTALL_HINT = "apt-get install python3-torch libopenblas0-pthread";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    private final Path python;
    private final int threads;

    /** @param threads intra-op threads of the child: torch's own pool and the BLAS library's alike */
    PyTorchPeer(Path python, int threads) {
        this.python = python;
        this.threads = threads;
    }

    /**
     * Why this peer cannot run, in one line, or empty when it can: no interpreter at the path, or one that cannot
     * import torch. Costs one interpreter start (importing torch takes a second or two).
     */
    Optional<String> unavailable(Path work) {
        if (!Files.isRegularFile(python) || !Files.isExecutable(python)) {
            return Optional.of("needs " + python + ", which is missing: " + INSTALL_HINT);
        }
        Outcome probe = run(work, "probe", PROBE_TIMEOUT, "-c", "import torch; print(torch.__version__)");
        if (probe.exitCode() != 0) {
            return Optional.of(python + " cannot import torch (" + lastLine(probe.stderr()) + "): " + INSTALL_HINT);
        }
        return Optional.empty();
    }

    /**
     * Starts the script on {@code request} (the settings every model shares) and waits for its first line.
     *
     * @throws IllegalStateException with the child's last error line when it fails, times out or prints no JSON
     */
    PyTorchSession start(Path work, Path request, Duration timeout) {
        Path script = work.resolve(SCRIPT);
        try (InputStream in = PyTorchPeer.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the benchmarks jar");
            }
            Files.copy(in, script);
            Path err = work.resolve("session.err");
            ProcessBuilder builder = builder(work, script.toString(), request.toString())
                    .redirectError(err.toFile());
            return new PyTorchSession(builder, err, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The child's command and environment. torch.set_num_threads does not reach OpenBLAS's own pool, which reads
     * the thread variables at load time (and the launcher's OMP_NUM_THREADS=1 would otherwise leave Debian's torch
     * one BLAS thread). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set to tame older OpenBLAS
     * builds, are removed: with them Debian's OpenBLAS takes its AVX2 kernel on an AVX-512 CPU, not the one a user's
     * machine runs.
     */
    ProcessBuilder builder(Path work, String... args) {
        List<String> command = new ArrayList<>();
        command.add(python.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        for (String variable : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")) {
            builder.environment().put(variable, Integer.toString(threads));
        }
        for (String variable : List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")) {
            builder.environment().remove(variable);
        }
        return builder;
    }

    private record Outcome(int exitCode, String stdout, String stderr) {}

    private Outcome run(Path work, String name, Duration timeout, String... args) {
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        Process process = null;
        try {
            process = builder(work, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Outcome(-1, "", "no answer within " + timeout.toSeconds() + " s");
            }
            return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Outcome(-1, "", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "", "interrupted");
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** The last non-blank line: where Python puts the exception, and the script its one-line verdict. */
    static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "no output" : last;
    }
}
