package dev.aha.runtime.agent;

import dev.aha.runtime.rollout.TurnPartner;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the episodes of a group: one per sample, each talking to a new {@link Episode} of the environment through
 * the model's {@link TurnFormat}, within aha.agent's limits, on one node's environment pool.
 */
public final class Episodes {

    private final Environment environment;
    private final Tool[] tools;
    private final TurnFormat format;
    private final AgentSettings settings;
    private final EnvironmentPool pool;
    private final AgentCounters counters = new AgentCounters();

    public Episodes(Environment environment, TurnFormat format, AgentSettings settings, EnvironmentPool pool) {
        this.environment = environment;
        this.tools = environment.tools().toArray(new Tool[0]);
        this.format = format;
        this.settings = settings;
        this.pool = pool;
    }

    /** The group's episodes, sample g's at index g. */
    public List<TurnPartner> open(String id, String prompt, String referenceAnswer, int groupSize) {
        List<TurnPartner> partners = new ArrayList<>(groupSize);
        for (int g = 0; g < groupSize; g++) {
            Episode episode = environment.start(new EpisodeStart(id, prompt, referenceAnswer, g));
            // The episode's own tools first (they act on its state), then the environment's, each as this episode
            // uses it (a tool with memory gets a fresh one).
            Tool[] own = java.util.stream.Stream.concat(episode.tools().stream(), java.util.Arrays.stream(tools))
                    .map(Tool::forEpisode).toArray(Tool[]::new);
            partners.add(new EpisodePartner(episode, own, format, settings, pool, counters));
        }
        return partners;
    }

    public AgentCounters counters() {
        return counters;
    }

    public AgentSettings settings() {
        return settings;
    }
}
