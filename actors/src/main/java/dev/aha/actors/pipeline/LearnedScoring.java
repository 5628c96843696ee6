package dev.aha.actors.pipeline;

import dev.aha.actors.pipeline.Reward.CompletionScore;
import dev.aha.runtime.rm.LearnedReward;
import java.util.Arrays;
import java.util.concurrent.CompletionException;

/** How a reward actor folds a learned reward's scores (a reward model's or a judge's) into a group's. */
final class LearnedScoring {

    private LearnedScoring() {}

    /** Zero rule scores without errors: a prompt the learned reward alone rewards. */
    static CompletionScore[] unscored(int g) {
        CompletionScore[] none = new CompletionScore[g];
        Arrays.fill(none, new CompletionScore(0, 0, 0, null));
        return none;
    }

    /**
     * Why a group's learned part cannot be trained on, or null: the model failed, or scored NaN or infinity (the
     * group is then dropped, not scored 0: a broken model says nothing about the completions).
     *
     * @param expected whether the group was routed to the learned reward at all
     */
    static String problem(double[] parts, Throwable error, boolean expected) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            return "the reward model failed: " + cause;
        }
        if (!expected) {
            return null;
        }
        for (double p : parts) {
            if (!Double.isFinite(p)) {
                return "the reward model scored " + p;
            }
        }
        return null;
    }

    /**
     * The rules' scores with each completion the learned reward could not score (a judge's output with no rating)
     * marked failed: its learned part is 0 and it counts with the group's reward failures.
     */
    static CompletionScore[] withFailures(CompletionScore[] scores, LearnedReward.Scores learned) {
        if (learned == null) {
            return scores;
        }
        CompletionScore[] out = scores.clone();
        for (int i = 0; i < out.length; i++) {
            if (learned.failures()[i] != null) {
                out[i] = new CompletionScore(out[i].reward(), out[i].accuracy(), out[i].format(),
                        new IllegalStateException(learned.failures()[i]));
            }
        }
        return out;
    }
}
