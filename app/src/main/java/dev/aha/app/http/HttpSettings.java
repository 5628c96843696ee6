package dev.aha.app.http;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The node's HTTP endpoint ({@code aha.http}): where it binds, and how it paces the dashboard.
 *
 * @param host interface to bind (loopback by default)
 * @param port TCP port, 0 = no endpoint
 * @param pushInterval how often the dashboard's event stream sends what changed
 * @param threads threads of the endpoint's own dispatcher
 * @param maxConnections open connections at most
 * @param idleTimeout an idle connection is closed after this long
 */
public record HttpSettings(String host, int port, Duration pushInterval, int threads, int maxConnections,
        Duration idleTimeout) {

    public HttpSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("aha.http.port must be in [0, 65535] (0 = off), was " + port);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("aha.http.host must name an interface, e.g. 127.0.0.1");
        }
        if (pushInterval.toMillis() < 100) {
            throw new IllegalArgumentException("aha.http.push-interval must be at least 100ms, was " + pushInterval);
        }
        if (threads < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("aha.http.threads and aha.http.max-connections must be at least 1");
        }
    }

    public static HttpSettings fromConfig(Config http) {
        return new HttpSettings(http.getString("host"), http.getInt("port"), http.getDuration("push-interval"),
                http.getInt("threads"), http.getInt("max-connections"), http.getDuration("idle-timeout"));
    }

    public boolean enabled() {
        return port > 0;
    }

    public HttpSettings withPort(int port) {
        return new HttpSettings(host, port, pushInterval, threads, maxConnections, idleTimeout);
    }
}
