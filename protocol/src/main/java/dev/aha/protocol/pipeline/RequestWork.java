package dev.aha.protocol.pipeline;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A rollout asks the dispatcher for up to {@code credits} prompts. Credits are the rollout's free queue slots, so
 * the dispatcher can never overfill it.
 *
 * @param rolloutId stable name of the rollout, for leases and metrics
 * @param policyVersion the version its replica holds: the dispatcher hands out work only within max-staleness
 * @param credits prompts it can take now (at least 1)
 * @param replyTo where the leases go
 */
public record RequestWork(String rolloutId, long policyVersion, int credits, ActorRef<RolloutWork> replyTo)
        implements DispatcherMessage {

    public RequestWork {
        if (credits < 1) {
            throw new IllegalArgumentException("credits must be at least 1, was " + credits);
        }
    }
}
