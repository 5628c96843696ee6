package dev.aha.protocol.pipeline;

import dev.aha.protocol.AhaMessage;

/**
 * What a reward actor receives. The messages that cross nodes are the records permitted here, each registered with
 * Kryo; the actor's own messages (the learner found by the receptionist) are a sealed interface next to the actor,
 * under {@link Local}, and never leave its JVM.
 */
public sealed interface RewardMessage extends AhaMessage permits SampledGroup, RewardMessage.Local {

    /** The actor's in-JVM messages: extended by one sealed interface declared next to the actor. */
    non-sealed interface Local extends RewardMessage {}
}
