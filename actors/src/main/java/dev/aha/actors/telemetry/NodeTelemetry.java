package dev.aha.actors.telemetry;

import dev.aha.actors.pipeline.DispatcherStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.aha.protocol.telemetry.NodeReport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Extension;

/**
 * One node's telemetry: its Prometheus registry (the pipeline's metrics, the dispatcher's books, the cluster's
 * members; the JVM's own are in {@link JvmRegistry}) and the {@link LiveRun} the dashboard reads. Actors feed it from their own threads
 * through lock-free counters and gauges; the registry is read only when {@code /metrics} is scraped.
 */
public final class NodeTelemetry implements Extension {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PipelineMetrics metrics = new PipelineMetrics(registry);
    private final LiveRun live = new LiveRun();
    private final NodeTotals totals = new NodeTotals();
    private final LongAdder invalidReports = new LongAdder();
    private volatile String node = "unbound";
    private volatile Set<String> roles = Set.of();
    private volatile Supplier<List<Members.View>> members = List::of;

    public NodeTelemetry() {
        registerDispatcherBooks();
        GaugeWithCallback.builder().name("aha_cluster_members")
                .help("Members of the cluster this node sees, by status")
                .labelNames("node", "role", "status")
                .callback(cb -> {
                    Map<String, Integer> byStatus = new HashMap<>();
                    members.get().forEach(m -> byStatus.merge(m.status(), 1, Integer::sum));
                    byStatus.forEach((status, n) -> cb.call(n, node, "node", status));
                })
                .register(registry);
    }

    /** Called once its actor system exists: the node's address (host:port) and roles label what it reports. */
    void bind(String node, Set<String> roles, Supplier<List<Members.View>> members) {
        this.node = node;
        Set<String> ours = new TreeSet<>(roles);
        ours.removeIf(r -> r.startsWith("dc-"));
        this.roles = Set.copyOf(ours);
        this.members = members;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public LiveRun live() {
        return live;
    }

    public String node() {
        return node;
    }

    public Set<String> roles() {
        return roles;
    }

    public List<Members.View> members() {
        return members.get();
    }

    /** @param version the policy version the learner starts from */
    public LearnerTelemetry learner(long version) {
        return new LearnerTelemetry(metrics, node, live, version);
    }

    public RolloutTelemetry rollout() {
        return new RolloutTelemetry(metrics, node, totals);
    }

    public RewardTelemetry reward() {
        return new RewardTelemetry(metrics, node, totals);
    }

    /** This node's own figures, for the seed. */
    public NodeReport report() {
        return totals.report(node, String.join(",", roles));
    }

    /** A node's report reached the seed: kept if sane, else dropped and counted. */
    void gathered(NodeReport report) {
        if (report.problem() == null) {
            live.node(report);
        } else {
            invalidReports.increment();
        }
    }

    /** Reports from other nodes dropped as not sane. */
    public long invalidReports() {
        return invalidReports.sum();
    }

    /** The dispatcher's latest books: its cumulative counts become counters, the rest gauges. */
    public void dispatcher(DispatcherStats stats) {
        live.dispatcher(stats);
    }

    private void registerDispatcherBooks() {
        CounterWithCallback.builder().name("aha_dispatcher_prompts_dispatched")
                .help("Distinct prompts the dispatcher handed out").labelNames("node", "role")
                .callback(cb -> books(s -> cb.call(s.dispatched(), node, "dispatcher"))).register(registry);
        CounterWithCallback.builder().name("aha_dispatcher_prompts_closed")
                .help("Dispatched prompts whose lease closed, by outcome (used, dropped_stale, dropped_uniform, "
                        + "quarantined)")
                .labelNames("node", "role", "outcome")
                .callback(cb -> books(s -> {
                    cb.call(s.used(), node, "dispatcher", "used");
                    cb.call(s.droppedStale(), node, "dispatcher", "dropped_stale");
                    cb.call(s.droppedUniform(), node, "dispatcher", "dropped_uniform");
                    cb.call(s.quarantined(), node, "dispatcher", "quarantined");
                })).register(registry);
        CounterWithCallback.builder().name("aha_dispatcher_leases_reissued")
                .help("Leases handed out again after a rollout died or timed out").labelNames("node", "role")
                .callback(cb -> books(s -> cb.call(s.reissued(), node, "dispatcher"))).register(registry);
        CounterWithCallback.builder().name("aha_dispatcher_invalid_messages")
                .help("Messages from other nodes the dispatcher dropped as unusable").labelNames("node", "role")
                .callback(cb -> books(s -> cb.call(s.invalid(), node, "dispatcher"))).register(registry);
        GaugeWithCallback.builder().name("aha_dispatcher_prompts_outstanding")
                .help("Prompts leased or waiting to be re-issued").labelNames("node", "role")
                .callback(cb -> books(s -> cb.call(s.outstanding(), node, "dispatcher"))).register(registry);
        GaugeWithCallback.builder().name("aha_dispatcher_prompts_lost")
                .help("Prompts held by rollouts whose node is gone, or that the books cannot place")
                .labelNames("node", "role")
                .callback(cb -> books(s -> cb.call(s.lost(), node, "dispatcher"))).register(registry);
    }

    private void books(java.util.function.Consumer<DispatcherStats> report) {
        DispatcherStats s = live.dispatcher();
        if (s != null) {
            report.accept(s);
        }
    }
}
