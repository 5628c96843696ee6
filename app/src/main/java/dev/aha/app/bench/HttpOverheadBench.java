package dev.aha.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TrainingSession;
import dev.aha.actors.telemetry.NodeTelemetry;
import dev.aha.app.http.HttpEndpoint;
import dev.aha.app.http.HttpSettings;
import dev.aha.app.http.LiveRunSource;
import dev.aha.bench.ConfigOptions;
import dev.aha.runtime.metrics.StepMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha bench http-overhead}: what the HTTP endpoint costs the training. The same run (benchmark mode: the
 * pipeline alone) with the endpoint off, and with it on and scraped every second (/metrics and /api/run, as
 * Prometheus and an open dashboard would), interleaved: off, on, off, on, ... so that a change in the machine's load
 * falls on both alike. The medians of steady groups/s are compared.
 */
@Command(name = "http-overhead", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The HTTP endpoint's cost: off vs on, scraped each second.",
            "Interleaved runs of the same pipeline (default: the real tiny model); prints one JSON object with "
                    + "each run's groups/s and the medians' ratio."})
public final class HttpOverheadBench implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "60", description = "Length of each run (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "10", description = "Seconds of each run not measured (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--repeats", defaultValue = "3", description = "Runs of each side (default ${DEFAULT-VALUE}).")
    int repeats;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--out", defaultValue = "runs/bench/http-overhead", description = "Run folders.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > warmup) || repeats < 1) {
            throw new IllegalArgumentException("need --seconds > --warmup and --repeats >= 1");
        }
        RunConfig run = RunConfig.from(ConfigFactory.parseMap(Map.<String, Object>of("aha.train.checkpoint-every", 0))
                .withFallback(config.load()).resolve());
        double[] off = new double[repeats];
        double[] on = new double[repeats];
        long[] scrapes = new long[repeats];
        for (int r = 0; r < repeats; r++) {
            for (int turn = 0; turn < 2; turn++) {
                boolean endpoint = (r + turn) % 2 == 1; // the side that goes first swaps every round
                System.err.printf("aha bench: http-overhead round %d, endpoint %s, %.0f s%n", r + 1,
                        endpoint ? "on" : "off", seconds);
                Path folder = out.resolve((endpoint ? "on-" : "off-") + r);
                if (endpoint) {
                    AtomicLong scraped = new AtomicLong();
                    on[r] = scraped(run, folder, scraped);
                    scrapes[r] = scraped.get();
                } else {
                    off[r] = groupsPerSecond(TrainingSession.benchmark(run, seconds / 60, folder), run);
                }
            }
        }
        ObjectNode j = new ObjectMapper().createObjectNode();
        double medianOff = median(off);
        double medianOn = median(on);
        j.put("backend", run.simulated() ? "simulated" : "torch");
        j.put("seconds_per_run", seconds);
        j.put("warmup_seconds", warmup);
        j.putPOJO("groups_per_second_off", off);
        j.putPOJO("groups_per_second_on", on);
        j.putPOJO("scrapes_per_run", scrapes);
        j.put("median_off", medianOff);
        j.put("median_on", medianOn);
        j.put("on_over_off", medianOff > 0 ? medianOn / medianOff : 0);
        j.put("within_5_percent", medianOff > 0 && medianOn / medianOff >= 0.95);
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(j));
        return 0;
    }

    /** A run with the endpoint on any free loopback port, /metrics and /api/run fetched every second meanwhile. */
    private double scraped(RunConfig run, Path folder, AtomicLong scraped) throws Exception {
        NodeTelemetry telemetry = new NodeTelemetry();
        HttpSettings http = new HttpSettings("127.0.0.1", 0, Duration.ofSeconds(1), 2, 256, Duration.ofSeconds(15));
        ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor();
        try (HttpEndpoint endpoint = HttpEndpoint.start(http, new LiveRunSource(telemetry), "http-overhead")) {
            HttpClient client = HttpClient.newHttpClient();
            scraper.scheduleAtFixedRate(() -> {
                for (String path : List.of("metrics", "api/run")) {
                    try {
                        client.send(HttpRequest.newBuilder(URI.create(endpoint.url() + path)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        scraped.incrementAndGet();
                    } catch (Exception e) {
                        // a missed scrape is a scrape that cost nothing
                    }
                }
            }, 1, 1, TimeUnit.SECONDS);
            return groupsPerSecond(TrainingSession.benchmark(run, seconds / 60, folder).reportingTo(telemetry), run);
        } finally {
            scraper.shutdownNow();
        }
    }

    /** Steady groups/s: from the first step after the warm-up to the last. */
    private double groupsPerSecond(TrainingSession session, RunConfig run) {
        session.run();
        List<StepMetrics> steps = session.finished().history().stream()
                .filter(m -> m.wallSeconds() >= warmup).toList();
        if (steps.size() < 2) {
            throw new IllegalArgumentException("a run took " + steps.size() + " step(s) after its " + warmup
                    + " s warm-up: too few to measure; lengthen --seconds");
        }
        double steady = steps.get(steps.size() - 1).wallSeconds() - steps.get(0).wallSeconds();
        return steady > 0 ? (steps.size() - 1) * (double) run.train().batchGroups() / steady : 0;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
