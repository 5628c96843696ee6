package dev.aha.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code aha bench model} on a tiny shape: the learner's phases against the peak measured in the same run. */
class ModelBenchTest {

    private static final String[] TINY = {"--hidden", "32", "--layers", "1", "--heads", "2", "--kv-heads", "1",
        "--intermediate", "64", "--vocab", "300", "--steps", "2", "--plane-repeat", "1", "--prompt-tokens", "4",
        "--max-new-tokens", "4", "--group-size", "2"};

    private final StringWriter err = new StringWriter();

    private String run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = new CommandLine(new ModelBench());
            cli.setErr(new PrintWriter(err));
            int code = cli.execute(args);
            return code == 0 ? captured.toString(StandardCharsets.UTF_8) : null;
        } finally {
            System.setOut(stdout);
        }
    }

    private static String[] with(String... more) {
        String[] all = new String[TINY.length + more.length];
        System.arraycopy(TINY, 0, all, 0, TINY.length);
        System.arraycopy(more, 0, all, TINY.length, more.length);
        return all;
    }

    @Test
    void theLearnersPhasesAreMeasuredAgainstItsRooflineInEitherPrecision() throws Exception {
        for (String precision : new String[] {"f32", "bf16-mixed"}) {
            String json = run(with("--precision", precision));
            assertTrue(json != null, err.toString());
            JsonNode r = new ObjectMapper().readTree(json.substring(json.indexOf('{')));
            assertEquals(precision, r.path("precision").asText());
            JsonNode learner = r.path("learner");
            assertTrue(learner.path("matmul_peak_flops").asDouble() > 0, learner.toString());
            double phases = 0;
            for (String phase : new String[] {"reference", "forward", "backward", "optimizer"}) {
                phases += learner.path(phase).path("seconds_p50").asDouble();
            }
            assertEquals(learner.path("seconds_p50").asDouble(), phases, 1e-9);
            assertEquals(2 * learner.path("forward").path("flops").asDouble(),
                    learner.path("backward").path("flops").asDouble(), 1e-6);
            assertTrue(learner.path("forward").path("fraction_of_peak").asDouble() > 0, learner.toString());
            assertEquals(learner.path("flops").asDouble() / learner.path("matmul_peak_flops").asDouble(),
                    learner.path("roofline_seconds").asDouble(), 1e-12);
        }
    }

    @Test
    void loraUnderBf16MixedKeepsItsBaseInBfloat16AndSendsAdaptersAlone() throws Exception {
        String json = run(with("--precision", "bf16-mixed", "--lora", "2"));
        assertTrue(json != null, err.toString());
        JsonNode r = new ObjectMapper().readTree(json.substring(json.indexOf('{')));
        assertEquals("bf16", r.path("lora").path("base_dtype").asText(), r.toString());
        assertEquals(r.path("lora").path("adapter_bytes").asLong(), 4 * r.path("lora").path("trainable_parameters")
                .asLong());
        assertTrue(r.path("steps").get(1).path("loss").isNumber(), r.toString());
    }

    @Test
    void anUnknownShapeOrPrecisionIsRefusedInOneLine() {
        assertEquals(null, run(with("--shape", "gpt-5")));
        assertTrue(err.toString().contains("unknown --shape 'gpt-5': known shapes are qwen2.5-0.5b,"), err.toString());
        assertEquals(null, run(with("--precision", "fp8")));
        assertTrue(err.toString().contains("aha.train.precision must be f32 or bf16-mixed, was 'fp8'"),
                err.toString());
        assertNotEquals(-1, err.toString().indexOf("fp8"));
    }
}
