package dev.aha.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Optional;

/** Where the dashboard's figures come from: a node's live telemetry, or a run's files. */
public interface RunSource {

    /** What run this is and where: source (live or files), node, roles, run settings, any warning. */
    ObjectNode header();

    /** Step lines (metrics.jsonl's shape, snake_case) after step {@code afterStep}, oldest first; -1 for all. */
    List<JsonNode> stepsAfter(long afterStep);

    /** Held-out evaluations so far: step, run_seconds and the evaluation's figures. */
    List<JsonNode> evals();

    /** The dispatcher's books, or null where there are none. */
    JsonNode dispatcher();

    /** The cluster's members: address, roles, status. */
    List<JsonNode> members();

    /** The node's metrics registry, for /metrics; empty for a run read from files. */
    Optional<PrometheusRegistry> registry();
}
