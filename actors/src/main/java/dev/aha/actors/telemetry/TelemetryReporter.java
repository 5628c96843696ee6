package dev.aha.actors.telemetry;

import dev.aha.protocol.telemetry.ReportRequest;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** On every node: answers the seed's {@link ReportRequest} with this node's {@code NodeReport}. */
public final class TelemetryReporter {

    public static final ServiceKey<ReportRequest> KEY = ServiceKey.create(ReportRequest.class, "aha-telemetry");

    private TelemetryReporter() {}

    public static Behavior<ReportRequest> create() {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            NodeTelemetry telemetry = Telemetry.get(ctx.getSystem());
            return Behaviors.receiveMessage(request -> {
                request.replyTo().tell(telemetry.report());
                return Behaviors.same();
            });
        });
    }
}
