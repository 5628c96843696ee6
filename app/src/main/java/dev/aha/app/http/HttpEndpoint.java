package dev.aha.app.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP endpoint on Pekko HTTP. It runs in an actor system of its own (local, its own small dispatcher),
 * so requests never take a thread from the training, and it can be bound before a run's cold start: a port in use
 * stops the command at once, in one line.
 */
public final class HttpEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

    private final ActorSystem<Void> system;
    private final ServerBinding binding;

    private HttpEndpoint(ActorSystem<Void> system, ServerBinding binding) {
        this.system = system;
        this.binding = binding;
    }

    /**
     * Binds {@code settings.host():settings.port()} (port 0 is not "off" here: any free port, for tests) and serves
     * {@code source}.
     *
     * @param what what is served, for the log line ("the dashboard of run X")
     * @throws IllegalArgumentException when the address cannot be bound (in use, or not an interface of this host)
     */
    public static HttpEndpoint start(HttpSettings settings, RunSource source, String what) {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "aha-http", config(settings));
        try {
            ServerBinding binding = Http.get(system).newServerAt(settings.host(), settings.port())
                    .bind(new EndpointRoutes(source, settings).routes())
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            HttpEndpoint endpoint = new HttpEndpoint(system, binding);
            LOG.info("HTTP endpoint at {} ({}): / dashboard, /metrics for Prometheus, /api/run", endpoint.url(), what);
            return endpoint;
        } catch (ExecutionException | CompletionException | TimeoutException e) {
            terminate(system);
            throw new IllegalArgumentException("aha.http cannot bind " + settings.host() + ":" + settings.port()
                    + " (" + (e.getCause() != null ? e.getCause().getMessage() : e) + "): is the port in use? "
                    + "choose another aha.http.port, or 0 for no endpoint");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminate(system);
            throw new IllegalStateException("interrupted while binding the HTTP endpoint", e);
        }
    }

    /** Local provider, its own dispatcher, bounded connections; logging through SLF4J like the rest of Aha. */
    private static Config config(HttpSettings s) {
        Map<String, Object> o = new HashMap<>();
        o.put("pekko.actor.provider", "local");
        o.put("pekko.actor.default-dispatcher.fork-join-executor.parallelism-min", 1);
        o.put("pekko.actor.default-dispatcher.fork-join-executor.parallelism-max", s.threads());
        o.put("pekko.http.server.max-connections", s.maxConnections());
        o.put("pekko.http.server.idle-timeout", s.idleTimeout().toMillis() + "ms");
        o.put("pekko.loggers", List.of("org.apache.pekko.event.slf4j.Slf4jLogger"));
        o.put("pekko.logging-filter", "org.apache.pekko.event.slf4j.Slf4jLoggingFilter");
        o.put("pekko.loglevel", "WARNING");
        o.put("pekko.stdout-loglevel", "OFF");
        o.put("pekko.fail-mixed-versions", "off");
        o.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        return ConfigFactory.parseMap(o).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    public InetSocketAddress address() {
        return binding.localAddress();
    }

    public String url() {
        return "http://" + address().getHostString() + ":" + address().getPort() + "/";
    }

    @Override
    public void close() {
        try {
            binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP endpoint did not unbind cleanly: {}", e.toString());
        }
        terminate(system);
    }

    private static void terminate(ActorSystem<Void> system) {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP actor system did not terminate cleanly: {}", e.toString());
        }
    }
}
