package dev.aha.actors.pipeline;

import dev.aha.protocol.pipeline.GroupEpisodes;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.EpisodeOutcome;
import java.util.List;

/** A finished group's episodes as the reward actors and the learner read them. */
final class EpisodeFigures {

    private EpisodeFigures() {}

    /** The figures of a multi-turn group, or null for a single-turn one. */
    static GroupEpisodes of(List<Completion> completions) {
        if (completions.isEmpty() || completions.get(0).episode() == null) {
            return null;
        }
        int g = completions.size();
        double[] rewards = new double[g];
        int[] turns = new int[g];
        int[] calls = new int[g];
        int[] errors = new int[g];
        boolean[] cut = new boolean[g];
        long nanos = 0;
        for (int i = 0; i < g; i++) {
            EpisodeOutcome e = completions.get(i).episode();
            rewards[i] = e.reward();
            turns[i] = e.turns();
            calls[i] = e.toolCalls();
            errors[i] = e.toolErrors();
            cut[i] = e.end().truncated();
            nanos += e.environmentNanos();
        }
        return new GroupEpisodes(rewards, turns, calls, errors, cut, nanos);
    }
}
