package dev.aha.actors.telemetry;

import dev.aha.actors.pipeline.DispatcherStats;
import dev.aha.actors.pipeline.EvalRecord;
import dev.aha.runtime.metrics.StepMetrics;
import java.util.ArrayList;
import dev.aha.protocol.telemetry.NodeReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The run as it goes, for the dashboard and {@code /api/run}: every step line, the evaluations, the dispatcher's
 * latest books. Written by the actors in O(1) under a lock held for an append; read by the HTTP threads, who copy.
 */
public final class LiveRun {

    /** Step lines kept: beyond this the oldest half is thinned to every other line, so memory stays bounded. */
    static final int MAX_STEPS = 20_000;

    private final List<StepMetrics> steps = new ArrayList<>();
    private final List<EvalRecord> evals = new CopyOnWriteArrayList<>();
    private volatile DispatcherStats dispatcher;
    private volatile RunInfo info;
    private volatile long revision;
    private final Map<String, NodeReport> nodes = new ConcurrentHashMap<>();

    synchronized void step(StepMetrics m) {
        if (steps.size() >= MAX_STEPS) {
            List<StepMetrics> thinned = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                if (i >= MAX_STEPS / 2 || i % 2 == 0) {
                    thinned.add(steps.get(i));
                }
            }
            steps.clear();
            steps.addAll(thinned);
        }
        steps.add(m);
        revision++;
    }

    void evaluated(EvalRecord e) {
        evals.add(e);
        revision++;
    }

    void dispatcher(DispatcherStats stats) {
        dispatcher = stats;
    }

    public void info(RunInfo info) {
        this.info = info;
    }

    /** The step lines after step {@code afterStep} (all of them for -1), oldest first. */
    public synchronized List<StepMetrics> stepsAfter(long afterStep) {
        int from = steps.size();
        while (from > 0 && steps.get(from - 1).step() > afterStep) {
            from--;
        }
        return List.copyOf(steps.subList(from, steps.size()));
    }

    public List<EvalRecord> evals() {
        return List.copyOf(evals);
    }

    void node(NodeReport report) {
        nodes.put(report.node(), report);
    }

    /** Forgets the reports of nodes no longer listed. */
    void keepNodes(Set<String> listed) {
        nodes.keySet().removeIf(n -> !listed.contains(n));
    }

    /** The latest report of each node, by its address (host:port). */
    public Map<String, NodeReport> nodes() {
        return Map.copyOf(nodes);
    }

    /** Null before the dispatcher reported (or on a node without one). */
    public DispatcherStats dispatcher() {
        return dispatcher;
    }

    /** Null on a node that does not run the learner. */
    public RunInfo info() {
        return info;
    }

    /** Moves with every step and evaluation: a reader that saw this value has seen them all. */
    public long revision() {
        return revision;
    }
}
