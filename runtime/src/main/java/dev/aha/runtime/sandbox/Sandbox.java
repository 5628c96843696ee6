package dev.aha.runtime.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs model-written Python against its tests in a fresh bubblewrap sandbox ({@link SandboxCommand} says what the
 * sandbox is), one child process tree per run, and says how it ended ({@link SandboxResult}). The JVM enforces what
 * rlimits cannot: the wall time (a sleeping program uses no CPU) and the output size, each by killing the whole
 * sandbox. Thread-safe: each {@link #run} is independent; {@link CodeRunPool} bounds how many run at once.
 *
 * <p>{@link #start} refuses to make a sandbox that cannot work: a missing tool is named with the package to install,
 * and a trivial program must pass before any model output is run, so a host where namespaces are unavailable fails
 * at start-up instead of scoring every completion 0. Nothing ever runs outside the sandbox.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIGXCPU = 24;
    private static final long INTERRUPT_CHECK_MILLIS = 50;

    private final SandboxSettings settings;
    private final SandboxCommand command;
    private final ScheduledExecutorService watchdog;
    private final SecureRandom random = new SecureRandom();

    private Sandbox(SandboxSettings settings) {
        this.settings = settings;
        this.command = new SandboxCommand(settings);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aha-sandbox-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A sandbox that has been seen to work: its tools are present and a trivial program passes in it.
     *
     * @throws SandboxUnavailableException naming what to install or what went wrong
     */
    public static Sandbox start(SandboxSettings settings) {
        requireExecutable(settings.bubblewrap(), "aha.sandbox.bubblewrap", "bubblewrap");
        requireExecutable(settings.python(), "aha.sandbox.python", "python3");
        Sandbox sandbox = new Sandbox(settings);
        if (sandbox.command.dropsRoot()) {
            requireExecutable(settings.setpriv(), "aha.sandbox.setpriv", "util-linux");
        }
        SandboxResult check = sandbox.run("def f(x):\n    return x + 1\n", "assert f(1) == 2\n");
        if (check.outcome() != Outcome.PASSED) {
            sandbox.close();
            throw new SandboxUnavailableException("the code sandbox does not work on this host (a trivial program "
                    + "ended " + check.outcome().label() + ", exit status " + check.exitStatus() + "): "
                    + check.output().strip()
                    + " — bubblewrap needs user namespaces (sysctl user.max_user_namespaces > 0)");
        }
        LOG.info("code sandbox ready: {} ({}), {} s CPU, {} ms wall, {} MiB memory, {} processes, {} KiB output per run",
                settings.bubblewrap(), sandbox.command.dropsRoot() ? "runs as uid " + settings.runAsUid() : "unprivileged",
                settings.cpuSeconds(), settings.wallTime().toMillis(), settings.memoryBytes() >> 20,
                settings.maxProcesses(), settings.maxOutputBytes() >> 10);
        return sandbox;
    }

    public SandboxSettings settings() {
        return settings;
    }

    /**
     * Runs {@code program}, then {@code tests} in its namespace (each top-level assert or bare expression one test).
     *
     * @throws UncheckedIOException when the sandbox cannot be started at all (the tool vanished); the caller
     *     scores that completion 0 and counts the failure
     * @throws IllegalStateException after {@link #close()}
     */
    public SandboxResult run(String program, String tests) {
        if (watchdog.isShutdown()) { // checked before a child starts: no watchdog would ever kill it
            throw new IllegalStateException("the sandbox is closed");
        }
        byte[] nonceBytes = new byte[16];
        random.nextBytes(nonceBytes);
        String nonce = HexFormat.of().formatHex(nonceBytes);
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command.argv()).redirectErrorStream(true);
        builder.environment().clear(); // the JVM's environment (tokens, keys) never reaches the child
        builder.environment().put("PATH", "/usr/bin:/bin");
        Process process;
        try {
            if (!Files.isExecutable(settings.bubblewrap())) { // under setpriv a missing bwrap would look like a failure
                throw new NoSuchFileException(settings.bubblewrap().toString(), null, "bubblewrap is gone");
            }
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the sandbox " + settings.bubblewrap(), e);
        }
        AtomicReference<Outcome> killedFor = new AtomicReference<>();
        ScheduledFuture<?> timer = watchdog.schedule(() -> kill(process, killedFor, Outcome.TIMEOUT),
                settings.wallTime().toNanos(), TimeUnit.NANOSECONDS);
        // Reading a pipe does not notice an interrupt (a pool shutting down): the watchdog kills for it, which ends
        // the read, and waitFor below then throws.
        Thread caller = Thread.currentThread();
        ScheduledFuture<?> interrupts = watchdog.scheduleWithFixedDelay(() -> {
            if (caller.isInterrupted()) {
                kill(process, killedFor, Outcome.KILLED);
            }
        }, INTERRUPT_CHECK_MILLIS, INTERRUPT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        BoundedOutput output;
        int status;
        try {
            send(process, payload(nonce, program, tests));
            output = BoundedOutput.read(process.getInputStream(), settings.maxOutputBytes(),
                    () -> kill(process, killedFor, Outcome.KILLED));
            status = process.waitFor(); // the wall-time kill still guards this wait
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException(); // waitFor of an exited process does not look at the flag
            }
        } catch (InterruptedException e) {
            kill(process, killedFor, Outcome.KILLED);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a sandboxed run was under way (it was killed)", e);
        } finally {
            timer.cancel(false);
            interrupts.cancel(false);
            killTree(process); // nothing of a run outlives it, whatever happened above
        }
        return classify(killedFor.get(), output, nonce, status, System.nanoTime() - start);
    }

    private static SandboxResult classify(Outcome killed, BoundedOutput output, String nonce, int status, long nanos) {
        String text = output.text();
        if (killed != null) {
            return new SandboxResult(killed, 0, 0, -1, text, nanos);
        }
        ResultLine report = ResultLine.find(text, nonce);
        if (report != null) {
            return new SandboxResult(report.outcome(), report.passed(), report.tests(), status, text, nanos);
        }
        Outcome outcome = status == 128 + SIGXCPU ? Outcome.TIMEOUT : status > 128 ? Outcome.KILLED : Outcome.FAILED;
        return new SandboxResult(outcome, 0, 0, status, text, nanos);
    }

    private static byte[] payload(String nonce, String program, String tests) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("nonce", nonce);
        payload.put("program", program);
        payload.put("tests", tests);
        try {
            return JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Process process, byte[] payload) {
        try (OutputStream in = process.getOutputStream()) {
            in.write(payload);
        } catch (IOException e) {
            // The child died before reading all of it; its exit status and output say why.
        }
    }

    /** Records the first reason and kills the whole tree; later reasons (the kill's own side effects) are ignored. */
    private static void kill(Process process, AtomicReference<Outcome> killedFor, Outcome reason) {
        killedFor.compareAndSet(null, reason);
        killTree(process);
    }

    /**
     * bwrap's init inside the pid namespace dies with bwrap (--die-with-parent), and every process of the namespace
     * dies with it; killing the host-visible descendants as well costs nothing and does not depend on that.
     */
    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void requireExecutable(Path tool, String key, String debianPackage) {
        if (!Files.isRegularFile(tool) || !Files.isExecutable(tool)) {
            throw new SandboxUnavailableException(tool + " (" + key + ") is not installed or not executable; code rewards "
                    + "run model-written programs only inside a bubblewrap sandbox, never unsandboxed. Install it: "
                    + "apt-get install " + debianPackage + " (or point " + key + " at it)");
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
