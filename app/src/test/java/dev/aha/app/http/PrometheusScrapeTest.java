package dev.aha.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package) scrapes a run: the target is up and a query for the step counter answers. Its
 * promtool lints the exposition too (format and naming). Skipped, saying so, where the package is not installed.
 */
class PrometheusScrapeTest {

    @Test
    void aRealPrometheusScrapesARunAndAnswersForItsSteps(@TempDir Path dir) throws Exception {
        Path prometheus = ExternalTool.require("prometheus", "prometheus");
        int port = Http.freePort();
        int promPort = Http.freePort();
        String base = "http://127.0.0.1:" + port + "/";
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> run = TrainingEndpointTest.train(dir.resolve("run"), port, 25, err);
        TrainingEndpointTest.scrapeOnceStepping(base, run);

        var promtool = ExternalTool.find("promtool");
        if (promtool.isPresent()) {
            ExternalTool.run(List.of(promtool.get().toString(), "check", "metrics"), Http.get(base + "metrics").body(),
                    dir.resolve("promtool.log"), 30);
        }
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
                + "scrape_configs:\n  - job_name: aha\n    static_configs:\n      - targets: ['127.0.0.1:" + port + "']\n");
        Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + promPort + "/api/v1/query?query=";
            assertEquals(1.0, await(api + enc("up{job=\"aha\"}"), 1.0), "the run's target is up");
            assertTrue(await(api + enc("sum(aha_learner_steps_total{job=\"aha\"})"), 1.0) >= 1, "steps counted");
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        assertEquals(0, run.get(120, TimeUnit.SECONDS), err.toString());
    }

    /** The query's first value once it is at least {@code atLeast}, polling for up to 40 s. */
    private static double await(String url, double atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = Http.get(url).body();
                JsonNode result = MetricsLog.JSON.readTree(last).path("data").path("result");
                if (result.size() > 0) {
                    double v = result.get(0).path("value").get(1).asDouble();
                    if (v >= atLeast) {
                        return v;
                    }
                }
            } catch (java.io.IOException notYet) {
                // Prometheus is starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus did not answer " + url + " with >= " + atLeast + " in 40 s: " + last);
    }

    private static String enc(String query) {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }
}
