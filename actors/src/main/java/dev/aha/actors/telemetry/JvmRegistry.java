package dev.aha.actors.telemetry;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The JVM's own metrics (memory, GC, threads, classes, process CPU), in one registry for the process: they describe
 * the process, not a run, and the client keeps every registry it instruments reachable for good, so a registry per
 * run would keep each run's telemetry alive after it ended. An endpoint serves them beside its node's.
 */
public final class JvmRegistry {

    private JvmRegistry() {}

    private static final class Holder {
        static final PrometheusRegistry REGISTRY = create();

        private static PrometheusRegistry create() {
            PrometheusRegistry r = new PrometheusRegistry();
            JvmMetrics.builder().register(r);
            return r;
        }
    }

    public static PrometheusRegistry get() {
        return Holder.REGISTRY;
    }
}
