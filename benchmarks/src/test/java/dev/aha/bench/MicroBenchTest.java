package dev.aha.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code aha bench micro} end to end with tiny iteration counts: one JSON object, every figure present and positive. */
@Tag("slow") // benchmark runs: in verify
class MicroBenchTest {

    @Test
    void shouldPrintOneJsonObjectWithEveryFigureMeasured() throws Exception {
        CommandLine cli = new CommandLine(new MicroBench());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        int rc = cli.execute("--quick", "--forks", "0",
                "--warmup-iterations", "1", "--iterations", "2", "--iteration-ms", "300");
        assertEquals(0, rc, "exit code; stdout: " + out);

        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertTrue(json.isObject(), out.toString());
        BlasBenchTest.assertBlasSection(json.path("blas"));
        JsonNode benchmarks = json.path("benchmarks");
        for (String name : List.of("KryoRoundTrip.roundTrip", "GrpoStep.step",
                "KvCacheSampling.cachedStep", "KvCacheSampling.rerunPrefix")) {
            JsonNode b = benchmarks.path(name);
            assertTrue(b.path("mean").isNumber() && b.path("mean").asDouble() > 0, name + " mean in " + json);
            assertTrue(b.path("unit").asText().endsWith("/op"), name + " unit in " + json);
            assertTrue(b.path("samples").asLong() > 0, name + " samples in " + json);
        }
        for (String key : List.of("kryo_bytes", "kv_cache_step_us", "kv_rerun_step_us", "kv_cache_speedup", "cores")) {
            assertTrue(json.path(key).isNumber() && json.path(key).asDouble() > 0, key + " in " + json);
        }
        // 8 x 512 float32 log-probs take 4 bytes each and the ids at least 1 (varints): over 8 * 512 * 5 bytes
        assertTrue(json.path("kryo_bytes").asLong() > 8 * 512 * 5, "kryo_bytes in " + json);
        assertEquals(json.path("kv_rerun_step_us").asDouble() / json.path("kv_cache_step_us").asDouble(),
                json.path("kv_cache_speedup").asDouble(), 0.01 * json.path("kv_cache_speedup").asDouble(),
                "speedup = rerun / cached");
    }
}
