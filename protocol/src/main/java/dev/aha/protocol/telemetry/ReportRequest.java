package dev.aha.protocol.telemetry;

import dev.aha.protocol.AhaMessage;
import org.apache.pekko.actor.typed.ActorRef;

/** The seed asks a node for its {@link NodeReport}. */
public record ReportRequest(ActorRef<NodeReport> replyTo) implements AhaMessage {}
