package dev.aha.runtime.rollout;

import dev.aha.runtime.sampling.EpisodeOutcome;
import java.util.concurrent.CompletableFuture;

/**
 * What one multi-turn sequence talks to between its turns: its episode's environment. The engine hands it each
 * turn the policy ends and decodes other sequences while the reply is computed on the partner's own threads; the
 * reply's observation ids join the trajectory as they are, never re-tokenised.
 */
public interface TurnPartner {

    /**
     * Answers the turn the policy just ended. Called on the engine's thread; must return at once and do its work
     * elsewhere.
     *
     * @param turn the ids the policy sampled in this turn, the token that ended it included
     * @param endedOnEndToken whether the turn ended on an end token (else on a turn-stop token, a tool call's close)
     * @param trajectoryLength tokens in the trajectory so far (prompt excluded), this turn included
     */
    CompletableFuture<TurnReply> reply(int[] turn, boolean endedOnEndToken, int trajectoryLength);

    /** Whether sampling {@code token} ends the policy's turn besides an end token (a tool call's closing token). */
    default boolean endsTurn(int token) {
        return false;
    }

    /**
     * The engine ended the episode itself ({@code end}: a length or context limit, or the partner's own failure);
     * the partner's last call.
     *
     * @param midTurn whether it cut a turn the policy was sampling (a turn all the same) rather than after an answer
     */
    EpisodeOutcome cut(EpisodeOutcome.End end, boolean midTurn);

    /**
     * The environment's answer to a turn: the observation's ids to append before the policy's next turn, or the
     * episode's outcome when it is over.
     */
    record TurnReply(int[] observation, EpisodeOutcome outcome) {

        public TurnReply {
            if ((observation == null) == (outcome == null)) {
                throw new IllegalArgumentException("a reply is either an observation or the episode's outcome");
            }
        }

        public static TurnReply observe(int[] observation) {
            return new TurnReply(observation, null);
        }

        public static TurnReply end(EpisodeOutcome outcome) {
            return new TurnReply(null, outcome);
        }

        public boolean ends() {
            return outcome != null;
        }
    }
}
