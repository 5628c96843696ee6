package dev.aha.runtime.agent;

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
}
