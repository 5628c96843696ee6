package dev.aha.runtime.backend;

import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
import dev.aha.runtime.sampling.Completion;
import java.util.ArrayList;
import java.util.List;

/** Runs a rollout engine the way the tests compare engines: one group, stepped until the engine is idle. */
final class EngineRuns {

    private EngineRuns() {}

    /** The completions of one group of {@code groupSize} samples of {@code prompt} (seed 3). */
    static List<Completion> group(RolloutEngine engine, int[] prompt, int groupSize) {
        engine.admit(1, prompt, groupSize, 3);
        List<Completion> done = new ArrayList<>();
        while (!engine.idle()) {
            for (FinishedGroup<Long> g : engine.step()) {
                done.addAll(g.completions());
            }
        }
        return done;
    }
}
