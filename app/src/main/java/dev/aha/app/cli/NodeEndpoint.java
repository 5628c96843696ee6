package dev.aha.app.cli;

import dev.aha.actors.config.RunConfig;
import dev.aha.actors.telemetry.NodeTelemetry;
import dev.aha.app.http.HttpEndpoint;
import dev.aha.app.http.HttpSettings;
import dev.aha.app.http.LiveRunSource;

/** The HTTP endpoint of a training node, when aha.http.port asks for one; nothing otherwise. */
final class NodeEndpoint implements AutoCloseable {

    private final HttpEndpoint endpoint;

    private NodeEndpoint(HttpEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Bound before the run starts, so a port in use stops the command before any work. */
    static NodeEndpoint open(RunConfig config, NodeTelemetry telemetry, String what) {
        HttpSettings settings = HttpSettings.fromConfig(config.pekko().getConfig("aha.http"));
        return new NodeEndpoint(settings.enabled()
                ? HttpEndpoint.start(settings, new LiveRunSource(telemetry), what) : null);
    }

    @Override
    public void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }
}
