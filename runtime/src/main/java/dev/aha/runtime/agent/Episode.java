package dev.aha.runtime.agent;

import java.util.List;

/**
 * One conversation between the policy and an {@link Environment}. Called from the environment pool, one turn at a
 * time, never concurrently for the same episode.
 */
public interface Episode {

    /**
     * Answers a turn of the policy that called no tool.
     *
     * @param turn the turn's text, decoded from the ids the policy sampled
     * @param turnIndex 0 for the policy's first turn
     * @return an observation for the policy's next turn, or the end of the episode
     * @throws Exception ends the episode as an error (counted); it never stops the rollout
     */
    Reply respond(String turn, int turnIndex) throws Exception;

    /**
     * Tools of this episode alone, beside the environment's (a game's moves, which act on the episode's state); the
     * environment's {@link Environment#tools} should list one of each for the chat template's {@code tools}. Their
     * calls run on the pool one at a time per episode, like {@link #respond}.
     */
    default List<Tool> tools() {
        return List.of();
    }
}
