package dev.aha.actors.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.metrics.MetricsLog;

/**
 * The counters a checkpoint carries so that {@code --resume} continues them.
 *
 * @param step learner steps taken
 * @param version policy version (equal to step when every step publishes)
 * @param nextPromptId where the prompt stream continues
 * @param promptsDispatched prompts handed out before this segment
 * @param promptsUsed prompts trained on before this segment
 * @param promptsDroppedStale prompts dropped as stale before this segment
 * @param wallSeconds RL wall time before this segment
 * @param initialPass1 held-out pass@1 of the cold-start policy (-1 until measured)
 * @param coldStartSeconds what the cold start took, SFT and its evaluation: the run's clock is this plus the RL
 *     wall time, so time to accuracy counts the whole run (0 in checkpoints written before it was kept)
 */
public record RunState(long step, long version, long nextPromptId, long promptsDispatched, long promptsUsed,
        long promptsDroppedStale, double wallSeconds, double initialPass1, double coldStartSeconds) {

    public static RunState fresh() {
        return new RunState(0, 0, 0, 0, 0, 0, 0, -1, 0);
    }

    /** Seconds since the run started, cold start included, at {@code rlWallSeconds} of RL. */
    public double runSeconds(double rlWallSeconds) {
        return coldStartSeconds + rlWallSeconds;
    }

    /**
     * These counters (where a segment started) continued by what the segment did.
     *
     * @param nextPromptId where the prompt stream continues
     */
    public RunState continued(long step, long version, long nextPromptId, long dispatched, long used, long droppedStale,
            double wallSeconds) {
        return new RunState(step, version, nextPromptId, promptsDispatched + dispatched, promptsUsed + used,
                promptsDroppedStale + droppedStale, wallSeconds, initialPass1, coldStartSeconds);
    }

    public ObjectNode toJson() {
        return MetricsLog.JSON.valueToTree(this);
    }

    public static RunState fromJson(ObjectNode node) {
        return MetricsLog.JSON.convertValue(node, RunState.class);
    }
}
