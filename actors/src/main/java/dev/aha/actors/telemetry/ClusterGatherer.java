package dev.aha.actors.telemetry;

import dev.aha.protocol.telemetry.NodeReport;
import dev.aha.protocol.telemetry.ReportRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * On the seed: asks every node's {@link TelemetryReporter} for its report every {@code every}, so that the seed's
 * dashboard shows each member's own figures. A report that is not sane is dropped and counted; a node whose reporter
 * left the listing is forgotten.
 */
public final class ClusterGatherer {

    private sealed interface Command permits Listed, Tick, Gathered {}

    private record Listed(Receptionist.Listing listing) implements Command {}

    private record Tick() implements Command {}

    private record Gathered(NodeReport report) implements Command {}

    private ClusterGatherer() {}

    public static Behavior<Void> create(Duration every) {
        return Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> {
            NodeTelemetry telemetry = Telemetry.get(ctx.getSystem());
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(TelemetryReporter.KEY,
                    ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
            timers.startTimerWithFixedDelay(new Tick(), every);
            Set<ActorRef<ReportRequest>> reporters = new HashSet<>();
            return Behaviors.receive(Command.class)
                    .onMessage(Listed.class, l -> {
                        reporters.clear();
                        reporters.addAll(l.listing().getServiceInstances(TelemetryReporter.KEY));
                        Set<String> listed = new HashSet<>();
                        reporters.forEach(r -> listed.add(address(r, telemetry.node())));
                        telemetry.live().keepNodes(listed);
                        return Behaviors.same();
                    })
                    .onMessage(Tick.class, t -> {
                        for (ActorRef<ReportRequest> r : reporters) {
                            ctx.ask(NodeReport.class, r, every, ReportRequest::new,
                                    (report, failure) -> new Gathered(report));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Gathered.class, g -> {
                        if (g.report() != null) {
                            telemetry.gathered(g.report());
                        }
                        return Behaviors.same();
                    })
                    .build();
        })).unsafeCast();
    }

    /** host:port of the reporter's node; a local reporter's path has none: it is this node. */
    private static String address(ActorRef<?> ref, String thisNode) {
        var a = ref.path().address();
        return a.getHost().isPresent() ? a.getHost().get() + ":" + a.getPort().orElse(0) : thisNode;
    }
}
