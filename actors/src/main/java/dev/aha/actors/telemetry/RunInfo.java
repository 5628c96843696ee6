package dev.aha.actors.telemetry;

/**
 * What run a node takes part in, for the dashboard's header.
 *
 * @param startedAtMillis wall clock when the pipeline started
 */
public record RunInfo(String task, String mode, String backend, int groupSize, int batchGroups, int maxStaleness,
        double minutes, long startedAtMillis) {}
