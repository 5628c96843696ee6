package dev.aha.protocol.pipeline;

import dev.aha.protocol.AhaMessage;

/**
 * What a rollout receives. The messages that cross nodes are the records permitted here, each registered with Kryo;
 * the actor's own messages (weight snapshots from the plane's thread, its own next-group tick and receptionist
 * listings) are a sealed interface next to the actor, under {@link Local}, and never leave its JVM.
 */
public sealed interface RolloutMessage extends AhaMessage permits RolloutWork, RolloutMessage.Local {

    /** The actor's in-JVM messages: extended by one sealed interface declared next to the actor. */
    non-sealed interface Local extends RolloutMessage {}
}
