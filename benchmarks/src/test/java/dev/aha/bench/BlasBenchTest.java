package dev.aha.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.engine.BlasPath;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.engine.HalfSequenceStep;
import dev.aha.runtime.engine.NativeKernels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code aha bench blas}, and the {@code blas} object it shares with every benchmark's JSON. */
class BlasBenchTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new BlasBench());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    /** What every benchmark's {@code blas} object holds: this process's path and a measured matmul. */
    static void assertBlasSection(JsonNode blas) {
        BlasPath here = ComputeThreads.blasPath();
        assertEquals(here.blas(), blas.path("blas").asText(), blas.toString());
        assertEquals(here.path(), blas.path("path").asText(), blas.toString());
        assertEquals(here.bypass(), blas.path("bypass").asBoolean(), blas.toString());
        assertEquals(here.reason(), blas.path("reason").asText(), blas.toString());
        assertFalse(blas.path("cpu").asText().isEmpty(), blas.toString());
        assertTrue(blas.path("features").isArray(), blas.toString());
        assertEquals(NativeKernels.describe(), blas.path("f16_one_row_product").asText(), blas.toString());
        assertEquals(HalfSequenceStep.describe(), blas.path("f16_one_sequence_step").asText(), blas.toString());
        JsonNode matmul = blas.path("matmul_f32");
        assertTrue(matmul.path("median_gflops").asDouble() > 0 && matmul.path("best_gflops").asDouble() > 0,
                blas.toString());
        assertTrue(matmul.path("best_gflops").asDouble() >= matmul.path("median_gflops").asDouble(), blas.toString());
        assertTrue(matmul.path("threads").asInt() >= 1, blas.toString());
    }

    @Test
    void printsThePathAndTheMatmulsRates() throws Exception {
        assertEquals(0, run("--size", "128", "--repeats", "3", "--threads", "1"), err.toString());
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertBlasSection(json);
        JsonNode matmul = json.path("matmul_f32");
        assertEquals(128, matmul.path("n").asInt());
        assertEquals(1, matmul.path("threads").asInt());
        assertEquals(3, matmul.path("gflops").size(), json.toString());
    }

    @Test
    void theSectionEveryBenchmarkCarriesMeasuresA1024Matmul() {
        JsonNode section = BlasSection.json();
        assertBlasSection(section);
        assertEquals(List.of(1024, 5), List.of(section.path("matmul_f32").path("n").asInt(),
                section.path("matmul_f32").path("repeats").asInt()));
    }

    @Test
    void refusesNothingToMeasure() {
        assertEquals(1, new CommandLine(new BlasBench()).setExecutionExceptionHandler((e, cli, parsed) -> {
            err.write(e.getMessage());
            return 1;
        }).execute("--repeats", "0"));
        assertEquals("--threads, --size and --repeats must be at least 1", err.toString());
    }
}
