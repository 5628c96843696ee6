package dev.aha.protocol.weights;

import dev.aha.protocol.util.LogThrottle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher's end of the control stream: each message from a subscriber judged by the {@link ResendGate} (a
 * hello, a request for the current version, or dropped) and counted, a failed authentication logged at most once a
 * second. Judged on the sender thread; the counts are read from any.
 */
final class ControlInbox {

    private static final Logger LOG = LoggerFactory.getLogger(WeightPublisher.class);
    /** Subscribers renew their place with a hello every stall timeout: this many missed, and it may be taken. */
    private static final int FORGET_AFTER_HELLOS = 10;

    private final PlaneMac mac;
    private final ResendGate gate;
    private final LogThrottle unauthenticatedLog = new LogThrottle(Duration.ofSeconds(1));
    private final AtomicLong resendRequests = new AtomicLong();
    private final AtomicLong requestsLimited = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    ControlInbox(WeightPlaneSettings settings, PlaneMac mac) {
        this.mac = mac;
        this.gate = new ResendGate(settings.resendInterval().toNanos(),
                settings.stallTimeout().toNanos() * FORGET_AFTER_HELLOS, mac);
    }

    /** Judges one control message from the subscriber of Aeron session {@code sessionId}. */
    void judge(DirectBuffer buffer, int offset, int length, int sessionId, long currentVersion) {
        switch (gate.accept(buffer, offset, length, sessionId, currentVersion, System.nanoTime())) {
            case HELLO, CURRENT -> { }
            case RESEND -> resendRequests.incrementAndGet();
            case LIMITED -> requestsLimited.incrementAndGet();
            case MALFORMED, UNKNOWN -> dropped.incrementAndGet();
            case UNAUTHENTICATED -> {
                long n = dropped.incrementAndGet();
                long unlogged = unauthenticatedLog.admit(System.nanoTime());
                if (unlogged >= 0) {
                    LOG.error(mac == null
                            ? "a control message comes signed but this publisher has no aha.weights.secret: every "
                                    + "node must share it; ignored ({} control messages dropped, {} not logged)"
                            : "a control message failed authentication (another aha.weights.secret, none, or a "
                                    + "forger); ignored ({} control messages dropped, {} not logged)", n, unlogged);
                }
            }
        }
    }

    /** Whether an accepted request calls for a resend now (at most one per resend interval). */
    boolean takeResend(long nowNanos) {
        return gate.takeResend(nowNanos);
    }

    /** A new version went out to everyone: pending requests for the old one are answered. */
    void answered() {
        gate.answered();
    }

    long resendRequests() {
        return resendRequests.get();
    }

    long requestsLimited() {
        return requestsLimited.get();
    }

    long dropped() {
        return dropped.get();
    }
}
