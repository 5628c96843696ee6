package dev.aha.protocol.weights;

import java.util.HashMap;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * The publisher's judgement of the control stream, without the transport (time passed in): which messages it acts
 * on, and when it may start a resend. A resend costs a whole image of bandwidth, so a request counts only from a
 * subscriber that said hello first on the same Aeron session, with a sequence above any it sent before (with a
 * secret, signed too), that does not hold the current version already. Each subscriber gets at most one resend per
 * version per interval, and resends as a whole start at most once per interval: requests in between are coalesced
 * into the next one, so a flood of requests, from one subscriber or many, costs at most one image per interval.
 * Used by the sender thread only.
 */
final class ResendGate {

    /** What a control message did. */
    enum Verdict {
        /** A subscriber announced itself, or renewed its place. */
        HELLO,
        /** A known subscriber's request, accepted: a resend is pending. */
        RESEND,
        /** A known subscriber's request, but it holds the current version already (or none is published yet). */
        CURRENT,
        /** A known subscriber's request for a version it was resent less than an interval ago: dropped. */
        LIMITED,
        /** Not a message a subscriber writes: dropped. */
        MALFORMED,
        /** No MAC, or one that does not verify, under this publisher's secret; or a MAC where it has none. */
        UNAUTHENTICATED,
        /** From no subscriber that said hello on this session, a replayed sequence, or with every place taken. */
        UNKNOWN
    }

    /** Places for subscribers: far more nodes than a run has, and a bound on what forged hellos can take. */
    static final int MAX_SUBSCRIBERS = 4096;

    private final long intervalNanos;
    private final long forgetNanos;
    private final PlaneMac mac;
    private final Map<Long, Known> known = new HashMap<>();
    private boolean pending;
    private boolean resentBefore;
    private long lastResendNanos;

    private static final class Known {
        int sessionId;
        long sequence;
        long heardNanos;
        long resentVersion = -1;
        long resentNanos;
    }

    /**
     * @param intervalNanos the shortest time between two resends, and between two for one subscriber and version
     * @param forgetNanos a subscriber silent this long gives up its place when places run out
     * @param mac the plane's MAC, or null when it runs without a secret
     */
    ResendGate(long intervalNanos, long forgetNanos, PlaneMac mac) {
        this.intervalNanos = intervalNanos;
        this.forgetNanos = forgetNanos;
        this.mac = mac;
    }

    Verdict accept(DirectBuffer b, int at, int length, int sessionId, long currentVersion, long nowNanos) {
        if (!WeightRequest.wellFormed(b, at, length)) {
            return Verdict.MALFORMED;
        }
        boolean signed = (WeightRequest.flags(b, at) & ChunkHeader.FLAG_MAC) != 0;
        if (mac == null ? signed : !WeightRequest.macHolds(b, at, mac)) {
            return Verdict.UNAUTHENTICATED;
        }
        long id = WeightRequest.id(b, at);
        long sequence = WeightRequest.sequence(b, at);
        Known k = known.get(id);
        if (WeightRequest.kind(b, at) == WeightRequest.HELLO) {
            return hello(id, sessionId, sequence, k, nowNanos);
        }
        if (k == null || k.sessionId != sessionId || sequence <= k.sequence) {
            return Verdict.UNKNOWN;
        }
        k.sequence = sequence;
        k.heardNanos = nowNanos;
        if (WeightRequest.lastApplied(b, at) >= currentVersion) {
            return Verdict.CURRENT;
        }
        if (k.resentVersion == currentVersion && nowNanos - k.resentNanos < intervalNanos) {
            return Verdict.LIMITED;
        }
        k.resentVersion = currentVersion;
        k.resentNanos = nowNanos;
        pending = true;
        return Verdict.RESEND;
    }

    private Verdict hello(long id, int sessionId, long sequence, Known k, long nowNanos) {
        if (k == null) {
            if (known.size() >= MAX_SUBSCRIBERS) {
                known.values().removeIf(s -> nowNanos - s.heardNanos > forgetNanos);
                if (known.size() >= MAX_SUBSCRIBERS) {
                    return Verdict.UNKNOWN;
                }
            }
            k = new Known();
            known.put(id, k);
        } else if (sequence <= k.sequence) {
            return Verdict.UNKNOWN; // a replay: a subscriber's sequence only rises
        }
        k.sessionId = sessionId;
        k.sequence = sequence;
        k.heardNanos = nowNanos;
        return Verdict.HELLO;
    }

    /** True, once, if a resend is pending and the last one started at least an interval ago. */
    boolean takeResend(long nowNanos) {
        if (!pending || resentBefore && nowNanos - lastResendNanos < intervalNanos) {
            return false;
        }
        pending = false;
        resentBefore = true;
        lastResendNanos = nowNanos;
        return true;
    }

    /** A new version is going out to every subscriber: it answers the requests pending. */
    void answered() {
        pending = false;
    }

    int knownSubscribers() {
        return known.size();
    }
}
