package dev.aha.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code aha bench vs-pytorch}: one clear line when the PyTorch side cannot run, and (where Debian's python3-torch is
 * installed) a small run end to end: both sides agree on the loss and log-probs, and every figure is there.
 */
class VsPyTorchBenchTest {

    /** Small enough for a unit test: a few seconds on each side. */
    private static final String[] SMALL = {"--group-size", "2", "--new-tokens", "6", "--prompt-tokens", "4",
        "--warmups", "1", "--repeats", "1", "--qwen3", "32,1,2,1,64,64", "--matmul-size", "64", "--threads", "1"};

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new VsPyTorchBench());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldSayInOneLineThatPythonIsMissing() {
        Path absent = dir.resolve("no-such-python3");
        assertEquals(2, run("--python", absent.toString()));
        assertEquals("aha bench vs-pytorch: needs " + absent + ", which is missing: apt-get install python3-torch "
                + "libopenblas0-pthread", err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void shouldSayInOneLineThatTorchIsMissing() throws Exception {
        // An interpreter without torch fails the import as CPython does: the exception on its last stderr line.
        Path python = dir.resolve("python3");
        Files.writeString(python, "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\n"
                + "echo \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
        assertEquals(2, run("--python", python.toString()));
        assertEquals("aha bench vs-pytorch: " + python + " cannot import torch (ModuleNotFoundError: No module named "
                + "'torch'): apt-get install python3-torch libopenblas0-pthread", err.toString().strip());
    }

    @Test
    void shouldMeasureBothSidesOfTheSameComputation() throws Exception {
        assumeTrue(torchInstalled(), "/usr/bin/python3 with torch is not installed here");
        assertEquals(0, run(SMALL), "stderr: " + err);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        for (String model : List.of("gpt", "qwen3")) {
            JsonNode m = json.path("models").path(model);
            JsonNode same = m.path("same_computation");
            for (String diff : List.of("loss_abs_diff", "loss_after_one_adamw_step_abs_diff",
                    "first_log_probs_max_abs_diff")) {
                assertTrue(same.path(diff).asDouble(1) <= 1e-4, model + " " + diff + " in " + json);
            }
            assertTrue(same.path("greedy_tokens_equal").asBoolean(), model + " greedy tokens in " + json);
            for (String part : List.of("sampling", "grpo_step")) {
                for (String key : List.of("ratio_aha_over_pytorch", "aha_gflops", "pytorch_gflops", "gflop",
                        "pytorch_cpu_ms")) {
                    assertTrue(m.path(part).path(key).asDouble() > 0, model + " " + part + "." + key + " in " + json);
                }
                // The JVM's process CPU clock (times(2)) ticks every 10 ms: a run of this size may read 0 on Aha's side
                for (String key : List.of("aha_cpu_ms", "cpu_ratio_aha_over_pytorch")) {
                    assertTrue(m.path(part).path(key).asDouble() >= 0, model + " " + part + "." + key + " in " + json);
                }
            }
            double ratio = m.path("grpo_step").path("aha_ms").asDouble() / m.path("grpo_step").path("pytorch_ms").asDouble();
            assertEquals(ratio, m.path("grpo_step").path("ratio_aha_over_pytorch").asDouble(), 0.01 * ratio + 1e-3);
        }
        assertTrue(json.path("peak_matmul").path("machine_gflops").asDouble() > 0, json.toString());
        assertTrue(json.path("targets").has("gpt_grpo_step_aha_at_most_1.1x_pytorch"), json.toString());
        assertTrue(json.path("interleaved").asBoolean(), json.toString());
        BlasBenchTest.assertBlasSection(json.path("blas"));
        JsonNode torchBlas = json.path("pytorch_blas");
        assertTrue(torchBlas.has("blas_info") && torchBlas.has("mkl") && torchBlas.has("library"), torchBlas.toString());
        // the child runs without the machine's OpenBLAS overrides, so OpenBLAS picks its kernel for this CPU itself
        assertTrue(torchBlas.path("openblas_coretype_env").isNull(), torchBlas.toString());
        if (torchBlas.path("library").asText().contains("openblas")) {
            assertFalse(torchBlas.path("openblas_corename").asText().isEmpty(), torchBlas.toString());
        }
    }

    @Test
    void shouldSpreadTheRepeatsOfBothSides() throws Exception {
        assumeTrue(torchInstalled(), "/usr/bin/python3 with torch is not installed here");
        String[] args = SMALL.clone();
        args[java.util.Arrays.asList(SMALL).indexOf("--repeats") + 1] = "3";
        args = java.util.Arrays.copyOf(args, args.length + 2);
        args[args.length - 2] = "--models";
        args[args.length - 1] = "gpt";
        assertEquals(0, run(args), "stderr: " + err);
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals(3, json.path("repeats").asInt());
        JsonNode step = json.path("models").path("gpt").path("grpo_step");
        assertTrue(step.path("aha_ms").asDouble() <= step.path("median_aha_ms").asDouble()
                && step.path("median_aha_ms").asDouble() <= step.path("slowest_aha_ms").asDouble(), step.toString());
        double spread = (step.path("slowest_aha_ms").asDouble() - step.path("aha_ms").asDouble())
                / step.path("median_aha_ms").asDouble();
        assertEquals(spread, step.path("spread_aha").asDouble(), 2e-3 + 0.01 * spread, step.toString());
        JsonNode sampling = json.path("models").path("gpt").path("sampling");
        for (String key : List.of("median_ratio_aha_over_pytorch", "slowest_pytorch_tokens_per_second",
                "spread_pytorch")) {
            assertTrue(sampling.has(key), key + " in " + sampling);
        }
    }

    @Test
    void shouldSayInOneLineThatThePyTorchSideTookTooLong() throws Exception {
        // passes the import probe, then never answers: killed at --timeout
        Path python = fakePython("exec sleep 60");
        assertEquals(1, run("--python", python.toString(), "--timeout", "PT2S", "--models", "gpt"));
        assertEquals("aha bench vs-pytorch: the PyTorch side failed: no answer within 2 s", err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void shouldSayInOneLineThatThePyTorchSideAnsweredNonsense() throws Exception {
        Path python = fakePython("echo 'Segmentation fault'");
        assertEquals(1, run("--python", python.toString(), "--models", "gpt"));
        assertEquals("aha bench vs-pytorch: the PyTorch side answered with no JSON object: Segmentation fault",
                err.toString().strip());
    }

    /** An interpreter that imports torch (the probe) and then runs {@code script} in place of the PyTorch side. */
    private Path fakePython(String script) throws Exception {
        Path python = dir.resolve("python3");
        Files.writeString(python, "#!/bin/sh\nif [ \"$1\" = -c ]; then echo 1.13.1; exit 0; fi\n" + script + "\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
        return python;
    }

    @Test
    void shouldRefuseToTimeWhenTheTwoSidesDisagree() {
        assumeTrue(torchInstalled(), "/usr/bin/python3 with torch is not installed here");
        // Two float32 implementations agree to about 1e-7, never to 1e-12 over a whole vocabulary of log-probs.
        String[] args = java.util.Arrays.copyOf(SMALL, SMALL.length + 4);
        System.arraycopy(new String[] {"--tolerance", "1e-12", "--models", "qwen3"}, 0, args, SMALL.length, 4);
        assertEquals(1, run(args));
        assertTrue(err.toString().contains("qwen3: not the same computation as Aha's"), err.toString());
        assertEquals("", out.toString());
    }

    private static boolean torchInstalled() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
