package dev.aha.runtime.agent;

/**
 * An environment's answer to a turn: text the policy sees next (rendered as the user's turn of the template), or the
 * end of the episode with a reward ({@link #endUnscored} leaves the score to the run's reward functions).
 */
public sealed interface Reply permits Reply.Observation, Reply.End {

    record Observation(String text) implements Reply {
        public Observation {
            if (text == null) {
                throw new IllegalArgumentException("an observation needs its text");
            }
        }
    }

    /** @param reward the episode's reward, NaN for none */
    record End(double reward) implements Reply {}

    static Reply observe(String text) {
        return new Observation(text);
    }

    static Reply end(double reward) {
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("an episode's reward must be finite, was " + reward);
        }
        return new End(reward);
    }

    /** Ends the episode and lets the reward functions score its text. */
    static Reply endUnscored() {
        return new End(Double.NaN);
    }
}
