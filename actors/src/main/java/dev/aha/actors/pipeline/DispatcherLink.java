package dev.aha.actors.pipeline;

import dev.aha.protocol.pipeline.DispatcherMessage;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.VersionAdvanced;
import dev.aha.protocol.pipeline.WorkDone;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The learner's line to the dispatcher, found through the receptionist: what it tells it once it is known (closed
 * leases, new versions), and nothing before (the dispatcher re-issues what it never heard of).
 */
final class DispatcherLink {

    private ActorRef<DispatcherMessage> dispatcher;

    /** A listing of {@link Dispatcher#KEY}: the dispatcher is told the learner's version at once. */
    void found(Receptionist.Listing listing, long step, long version) {
        dispatcher = listing.getServiceInstances(Dispatcher.KEY).stream().findFirst().orElse(null);
        versionAdvanced(step, version);
    }

    void versionAdvanced(long step, long version) {
        if (dispatcher != null) {
            dispatcher.tell(new VersionAdvanced(step, version));
        }
    }

    void done(SampledGroup g, WorkDone.Outcome outcome) {
        if (dispatcher != null) {
            dispatcher.tell(new WorkDone(g.promptId(), g.attempt(), outcome));
        }
    }

    /** The dispatcher, or null while none is known. */
    ActorRef<DispatcherMessage> ref() {
        return dispatcher;
    }
}
