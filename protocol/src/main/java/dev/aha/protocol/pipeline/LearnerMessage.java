package dev.aha.protocol.pipeline;

import dev.aha.protocol.AhaMessage;

/**
 * What the learner receives. The messages that cross nodes are the records permitted here, each registered with
 * Kryo; the actor's own messages (its deadline, the dispatcher found by the receptionist and the final stats) are a
 * sealed interface next to the actor, under {@link Local}, and never leave its JVM.
 */
public sealed interface LearnerMessage extends AhaMessage permits ScoredGroup, LearnerMessage.Local {

    /** The actor's in-JVM messages: extended by one sealed interface declared next to the actor. */
    non-sealed interface Local extends LearnerMessage {}
}
