package dev.aha.actors.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.agent.AgentCounters;
import dev.aha.runtime.agent.ToolError;
import dev.aha.runtime.metrics.EpisodeMetrics;
import dev.aha.runtime.metrics.StepMetrics;
import java.util.List;

/** summary.json's {@code episodes}: what an agent task's episodes did over the run, for its trained steps. */
final class EpisodeSummary {

    private EpisodeSummary() {}

    /**
     * @param counters the node's tool calls and errors by kind (every episode sampled, trained on or not)
     * @param segment the steps of this run segment, whose episode figures are averaged over episodes
     */
    static void write(ObjectNode out, AgentCounters counters, List<StepMetrics> segment) {
        long episodes = 0;
        double turns = 0;
        double calls = 0;
        double errors = 0;
        double cut = 0;
        double environmentSeconds = 0;
        for (StepMetrics m : segment) {
            EpisodeMetrics e = m.episodes();
            if (e != null) {
                episodes += e.episodes();
                turns += e.turnsPerEpisode() * e.episodes();
                calls += e.toolCallsPerEpisode() * e.episodes();
                errors += e.toolErrorsPerEpisode() * e.episodes();
                cut += e.truncatedFraction() * e.episodes();
                environmentSeconds += e.environmentSeconds();
            }
        }
        double n = Math.max(1, episodes);
        out.put("trained_episodes", episodes);
        out.put("turns_per_episode", turns / n);
        out.put("tool_calls_per_episode", calls / n);
        out.put("tool_errors_per_episode", errors / n);
        out.put("truncated_fraction", cut / n);
        out.put("environment_seconds", environmentSeconds);
        out.put("tool_calls", counters.toolCalls());
        out.put("tool_seconds", counters.toolNanos() / 1e9);
        out.put("environment_errors", counters.environmentErrors());
        ObjectNode byKind = out.putObject("tool_errors");
        for (ToolError kind : ToolError.values()) {
            byKind.put(kind.label(), counters.toolErrors(kind));
        }
    }
}
