package dev.aha.protocol.pipeline;

import dev.aha.protocol.AhaMessage;

/**
 * What the dispatcher receives. The messages that cross nodes are the records permitted here, each registered with
 * Kryo; the actor's own messages (its lease timer, the death of a watched rollout and the in-JVM stats query) are a
 * sealed interface next to the actor, under {@link Local}, and never leave its JVM.
 */
public sealed interface DispatcherMessage extends AhaMessage
        permits RequestWork, WorkDone, VersionAdvanced, LeaseFailed, DispatcherMessage.Local {

    /** The actor's in-JVM messages: extended by one sealed interface declared next to the actor. */
    non-sealed interface Local extends DispatcherMessage {}
}
