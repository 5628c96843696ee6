package dev.aha.runtime.agent;

import java.util.List;

/**
 * Where multi-turn episodes happen: each starts from one dataset row and answers every turn the policy takes, with
 * an observation or by ending the episode with a reward. Tools the policy may call are the environment's too; the
 * engine runs those calls itself and shows the policy their results, so an episode sees only the turns that call no
 * tool.
 *
 * <p>Implementations must be thread-safe: episodes of many rows run at once on the environment pool.
 */
public interface Environment {

    /** A new episode for {@code row}, one per sample of a group. Called on the rollout's thread: keep it cheap. */
    Episode start(EpisodeStart row);

    /** The tools the policy may call (announced to the chat template as its {@code tools}); none by default. */
    default List<Tool> tools() {
        return List.of();
    }
}
