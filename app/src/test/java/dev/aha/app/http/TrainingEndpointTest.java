package dev.aha.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aha.app.cli.Aha;
import dev.aha.runtime.metrics.MetricsLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short simulated {@code aha train} with the endpoint on: /metrics scraped twice and read strictly, every metric
 * docs/metrics.md lists present, counters moving; /api/run and the event stream carry the steps; bad requests get
 * HTTP errors.
 */
class TrainingEndpointTest {

    static final Path METRICS_DOC = Path.of("..", "docs", "metrics.md");

    /**
     * Starts {@code aha train} in the background with the endpoint on {@code port}, for {@code steps} learner steps
     * (its minute is only a bound: on a loaded machine the steps take longer, never fewer); the future holds its exit
     * code.
     */
    static CompletableFuture<Integer> train(Path out, int port, int steps, StringWriter err) {
        return CompletableFuture.supplyAsync(() -> {
            CommandLine cli = Aha.commandLine();
            cli.setOut(new PrintWriter(new StringWriter()));
            cli.setErr(new PrintWriter(err, true));
            return cli.execute("train", "--backend", "simulated", "--minutes", "1", "--out", out.toString(),
                    "--set", "aha.http.port=" + port, "--set", "aha.simulation.median-length=20",
                    "--set", "aha.train.max-steps=" + steps);
        });
    }

    /** Waits until the learner has taken a step, and returns the scrape that showed it. */
    static PrometheusText scrapeOnceStepping(String base, CompletableFuture<Integer> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !run.isDone()) {
            try {
                HttpResponse<String> r = Http.get(base + "metrics");
                if (r.statusCode() == 200) {
                    PrometheusText p = PrometheusText.parse(r.body());
                    if (p.sum("aha_learner_steps_total") >= 1 && p.types.containsKey("aha_dispatcher_prompts_outstanding")) {
                        return p;
                    }
                }
            } catch (IOException notYet) {
                // the endpoint binds before the run starts; the actor system follows
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no step on /metrics within 60 s (run done: " + run.isDone() + ")");
    }

    static List<String> documentedMetrics() throws IOException {
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|").matcher(Files.readString(METRICS_DOC));
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static boolean allMoved(List<String> counters, PrometheusText first, PrometheusText second) {
        return counters.stream().allMatch(c -> second.sum(c) > first.sum(c));
    }

    @Test
    void aShortRunServesEveryDocumentedMetricAndItsCountersMove(@TempDir Path dir) throws Exception {
        int port = Http.freePort();
        String base = "http://127.0.0.1:" + port + "/";
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> run = train(dir.resolve("run"), port, 20, err);
        PrometheusText first = scrapeOnceStepping(base, run);
        List<String> counters = List.of("aha_learner_steps_total", "aha_learner_used_tokens_total",
                "aha_rollout_groups_sampled_total", "aha_reward_groups_scored_total",
                "aha_dispatcher_prompts_dispatched_total");
        PrometheusText second = first;
        for (int i = 0; i < 100 && !allMoved(counters, first, second); i++) {
            Thread.sleep(200); // the dispatcher's books are refreshed every second, the rest as it happens
            second = PrometheusText.parse(Http.get(base + "metrics").body());
        }

        List<String> documented = documentedMetrics();
        assertTrue(documented.size() > 30, "the table of docs/metrics.md: " + documented);
        for (String name : documented) {
            String family = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
            assertTrue(second.types.containsKey(name) || second.types.containsKey(family),
                    name + " is documented but not served; served: " + second.types.keySet());
        }
        for (String served : second.types.keySet()) {
            if (served.startsWith("aha_")) {
                assertTrue(documented.contains(served) || documented.contains(served + "_total"),
                        served + " is served but not in docs/metrics.md");
            }
        }
        for (String counter : counters) {
            assertTrue(second.sum(counter) > first.sum(counter),
                    counter + " did not move: " + first.sum(counter) + " -> " + second.sum(counter));
        }
        assertEquals("counter", second.types.get("aha_learner_steps_total"));
        assertTrue(second.samples.keySet().stream().anyMatch(s -> s.startsWith("aha_learner_steps_total{")
                && s.contains("role=\"learner\"") && s.contains("node=\"127.0.0.1:")), second.samples.keySet().toString());

        JsonNode api = MetricsLog.JSON.readTree(Http.get(base + "api/run").body());
        assertEquals("live", api.get("source").asText());
        assertTrue(api.get("steps").size() >= 1, api.toString());
        assertEquals("arithmetic", api.path("run").path("task").asText());
        assertTrue(api.get("members").size() == 1 && api.get("members").get(0).get("status").asText().equals("up"),
                api.get("members").toString());
        assertTrue(api.has("dispatcher"), "the dispatcher's books: " + api);
        assertTrue(api.get("members").get(0).path("groups_sampled").asLong() > 0,
                "the node's own report, gathered through its reporter: " + api.get("members"));

        assertEquals(404, Http.get(base + "no/such/page").statusCode());
        assertTrue(Http.get(base + "uplot/uPlot.iife.min.js").body().contains("uPlot"), "the chart library is served");
        assertTrue(Http.get(base).body().contains("dashboard.js"));

        assertEquals(0, run.get(120, TimeUnit.SECONDS), err.toString());
        assertTrue(err.toString().isEmpty() || !err.toString().contains("Exception"), err.toString());
    }
}
