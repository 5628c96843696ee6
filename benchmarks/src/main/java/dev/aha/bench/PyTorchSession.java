package dev.aha.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch side while it runs ({@value PyTorchPeer#SCRIPT}): one JSON command per line on its stdin, one JSON
 * answer per line on its stdout, so that the two sides' timed runs can alternate. Its stderr goes to a file, so a
 * chatty child never blocks on a full pipe; a child past its time is killed.
 */
final class PyTorchSession implements AutoCloseable {

    private final Process process;
    private final BufferedWriter commands;
    private final BufferedReader answers;
    private final Path stderr;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean timedOut;
    private final JsonNode header;

    /**
     * Starts {@code builder} (its stderr already redirected to {@code stderr}) and reads its first line: torch's
     * version, threads, peak matmul and BLAS.
     *
     * @throws IllegalStateException with the child's last error line when it fails or says nothing
     */
    PyTorchSession(ProcessBuilder builder, Path stderr, Duration timeout) throws IOException {
        this.stderr = stderr;
        this.timeout = timeout;
        this.process = builder.start();
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (process.isAlive()) {
                timedOut = true;
                process.destroyForcibly();
            }
        });
        this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.header = answer();
    }

    /** torch's version and threads, {@code peak_matmul_flops}, and {@code blas}: which BLAS torch calls. */
    JsonNode header() {
        return header;
    }

    /** Builds and checks the model of {@code modelRequest}; the answer is what the check found. */
    JsonNode load(Path modelRequest) {
        return ask(json.createObjectNode().put("load", modelRequest.toString()));
    }

    /** {wall seconds, process CPU seconds} of one run of {@code part} of {@code model} on the PyTorch side. */
    double[] time(String model, String part) {
        JsonNode a = ask(json.createObjectNode().put("time", model).put("part", part));
        return new double[] {a.path("seconds").asDouble(), a.path("cpu_seconds").asDouble()};
    }

    void unload(String model) {
        ask(json.createObjectNode().put("unload", model));
    }

    private JsonNode ask(ObjectNode command) {
        try {
            commands.write(json.writeValueAsString(command));
            commands.newLine();
            commands.flush();
        } catch (IOException e) { // the child is gone: say why below
            throw failure();
        }
        return answer();
    }

    private JsonNode answer() {
        String line;
        try {
            line = answers.readLine();
        } catch (IOException e) {
            line = null;
        }
        if (line == null) {
            throw failure();
        }
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("the PyTorch side answered with no JSON object: " + line, e);
        }
    }

    private IllegalStateException failure() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (timedOut) {
            return new IllegalStateException("the PyTorch side failed: no answer within " + timeout.toSeconds() + " s");
        }
        String exit = process.isAlive() ? "still running" : "exit " + process.exitValue();
        return new IllegalStateException("the PyTorch side failed (" + exit + "): " + PyTorchPeer.lastLine(errors()));
    }

    private String errors() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** Ends the child: end of input lets it exit by itself; one that does not is killed. */
    @Override
    public void close() {
        try {
            commands.close();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
