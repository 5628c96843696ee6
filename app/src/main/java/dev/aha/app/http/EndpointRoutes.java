package dev.aha.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.telemetry.JvmRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What the endpoint answers: {@code /metrics} (Prometheus' text format), {@code /api/run} (the run so far as JSON),
 * {@code /events} (server-sent events: what changed, every push interval), {@code /} (the dashboard) and its static
 * files, the chart library among them, from the uPlot webjar on the classpath (no CDN). Only GET; anything else, or
 * another path, is refused with Pekko HTTP's own error (404, 405), as are oversized requests (431, 400).
 */
final class EndpointRoutes extends AllDirectives {

    /** The chart library's files inside its webjar. */
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist";
    private static final String PAGE = "dev/aha/app/http/";
    /** Prometheus reads text/plain as its text format 0.0.4. */
    private static final ContentType PROMETHEUS_TEXT = ContentTypes.TEXT_PLAIN_UTF8;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final RunSource source;
    private final HttpSettings settings;

    EndpointRoutes(RunSource source, HttpSettings settings) {
        this.source = source;
        this.settings = settings;
    }

    Route routes() {
        return get(() -> concat(
                pathSingleSlash(() -> getFromResource(PAGE + "index.html", ContentTypes.TEXT_HTML_UTF8)),
                path("metrics", () -> extractRequest(r -> metrics())),
                path(PathMatchers.segment("api").slash("run"), () -> extractRequest(r -> json(RunJson.full(source)))),
                path("events", () -> extractRequest(r -> completeOK(events(), EventStreamMarshalling.toEventStream()))),
                pathPrefix("assets", () -> concat(
                        path("dashboard.js", () -> getFromResource(PAGE + "dashboard.js")),
                        path("dashboard.css", () -> getFromResource(PAGE + "dashboard.css")))),
                pathPrefix("uplot", () -> concat(
                        path("uPlot.iife.min.js", () -> getFromResource(UPLOT + "/uPlot.iife.min.js")),
                        path("uPlot.min.css", () -> getFromResource(UPLOT + "/uPlot.min.css"))))));
    }

    private Route metrics() {
        Optional<PrometheusRegistry> registry = source.registry();
        if (registry.isEmpty()) {
            return complete(StatusCodes.NOT_FOUND, "no metrics here: this dashboard reads a run's files\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        registry.get().scrape().forEach(all::metricSnapshot);
        JvmRegistry.get().scrape().forEach(all::metricSnapshot);
        try {
            WRITER.write(out, all.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return complete(HttpEntities.create(PROMETHEUS_TEXT, out.toByteArray()));
    }

    private Route json(ObjectNode node) {
        return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, RunJson.text(node)));
    }

    /** One event at once with everything so far, then one every push interval with the steps that came since. */
    private Source<ServerSentEvent, NotUsed> events() {
        return Source.tick(java.time.Duration.ZERO, settings.pushInterval(), "push")
                .mapMaterializedValue(c -> NotUsed.notUsed())
                .statefulMapConcat(() -> {
                    long[] lastStep = {-1};
                    return tick -> {
                        ObjectNode update = RunJson.since(source, lastStep[0]);
                        var steps = update.get("steps");
                        if (!steps.isEmpty()) {
                            lastStep[0] = steps.get(steps.size() - 1).path("step").asLong();
                        }
                        return List.of(ServerSentEvent.create(RunJson.text(update), "run"));
                    };
                });
    }
}
