package dev.aha.protocol.weights;

import static dev.aha.protocol.weights.PlaneFixture.OTHER_SECRET;
import static dev.aha.protocol.weights.PlaneFixture.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.weights.ResendGate.Verdict;
import java.nio.ByteBuffer;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The publisher's judgement of control messages, with time passed in: who may ask, and how often a resend starts. */
class ResendGateTest {

    private static final long MS = 1_000_000L;
    private static final long INTERVAL = 250 * MS;
    private static final int SESSION = 7;
    private static final long CURRENT = 10;

    private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(WeightRequest.LENGTH + 8));
    private final ResendGate gate = new ResendGate(INTERVAL, 10_000 * MS, null);
    private long sequence;

    private Verdict send(ResendGate to, int kind, long id, int session, long lastApplied, PlaneMac mac, long now) {
        WeightRequest.write(message, kind, id, ++sequence, lastApplied, kind == WeightRequest.HELLO ? 0
                : WeightRequest.TORN, mac);
        return to.accept(message, 0, WeightRequest.LENGTH, session, CURRENT, now);
    }

    private Verdict hello(long id, long now) {
        return send(gate, WeightRequest.HELLO, id, SESSION, -1, null, now);
    }

    private Verdict request(long id, long now) {
        return send(gate, WeightRequest.REQUEST, id, SESSION, 3, null, now);
    }

    @Test
    void shouldActOnlyOnWellFormedRequestsFromSubscribersThatSaidHelloOnTheSameSession() {
        Random r = new Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[r.nextInt(WeightRequest.LENGTH + 8)];
            r.nextBytes(garbage);
            message.putBytes(0, garbage);
            assertEquals(Verdict.MALFORMED, gate.accept(message, 0, garbage.length, SESSION, CURRENT, 0));
        }
        WeightRequest.write(message, WeightRequest.REQUEST, 1, 1, 3, 99, null);
        assertEquals(Verdict.MALFORMED, gate.accept(message, 0, WeightRequest.LENGTH, SESSION, CURRENT, 0), "reason");
        assertEquals(Verdict.UNKNOWN, request(1, 0), "no hello yet");
        assertEquals(Verdict.HELLO, hello(1, 0));
        assertEquals(Verdict.UNKNOWN, send(gate, WeightRequest.REQUEST, 1, SESSION + 1, 3, null, 0), "another session");
        long replayed = sequence;
        assertEquals(Verdict.RESEND, request(1, 0));
        WeightRequest.write(message, WeightRequest.REQUEST, 1, replayed, 3, WeightRequest.TORN, null);
        assertEquals(Verdict.UNKNOWN, gate.accept(message, 0, WeightRequest.LENGTH, SESSION, CURRENT, INTERVAL),
                "a replayed sequence");
        assertEquals(Verdict.CURRENT, send(gate, WeightRequest.REQUEST, 1, SESSION, CURRENT, null, INTERVAL),
                "a subscriber that holds the current version needs no resend");
        assertEquals(1, gate.knownSubscribers());
    }

    @Test
    void shouldResendAVersionToOneSubscriberAtMostOncePerInterval() {
        hello(1, 0);
        assertEquals(Verdict.RESEND, request(1, 0));
        assertTrue(gate.takeResend(0));
        assertFalse(gate.takeResend(0), "taken once");
        for (long t = 0; t < INTERVAL; t += 10 * MS) {
            assertEquals(Verdict.LIMITED, request(1, t));
        }
        assertFalse(gate.takeResend(INTERVAL), "limited requests leave nothing pending");
        assertEquals(Verdict.RESEND, request(1, INTERVAL));
        assertTrue(gate.takeResend(INTERVAL));
    }

    @Test
    void shouldStartAtMostOneResendPerIntervalForAnyNumberOfSubscribers() {
        int resends = 0;
        for (long t = 0; t < 10 * INTERVAL; t += MS) {
            long id = 1000 + t / MS;
            hello(id, t);
            assertEquals(Verdict.RESEND, request(id, t));
            resends += gate.takeResend(t) ? 1 : 0;
        }
        assertEquals(10, resends, "2,500 subscribers asking, one a millisecond, over 10 intervals");
        assertTrue(gate.takeResend(10 * INTERVAL), "the requests since the last resend are answered by the next");
        hello(1, 11 * INTERVAL);
        request(1, 11 * INTERVAL);
        gate.answered();
        assertFalse(gate.takeResend(12 * INTERVAL), "a new version going out answers what was pending");
    }

    @Test
    void shouldBoundThePlacesForgedHellosCanTake() {
        long t = 0;
        for (int id = 0; id < ResendGate.MAX_SUBSCRIBERS; id++) {
            assertEquals(Verdict.HELLO, hello(id, t));
        }
        assertEquals(Verdict.UNKNOWN, hello(-1, t), "every place is taken by subscribers heard lately");
        assertEquals(Verdict.HELLO, hello(5, t), "a known subscriber keeps its place");
        t += 10_001 * MS;
        assertEquals(Verdict.HELLO, hello(-1, t), "places of subscribers silent too long are given up");
        assertTrue(gate.knownSubscribers() <= 2, "silent subscribers forgotten: " + gate.knownSubscribers());
    }

    @Test
    void shouldActWithASecretOnlyOnMessagesSignedWithIt() {
        ResendGate signed = new ResendGate(INTERVAL, 10_000 * MS, PlaneMac.of(SECRET));
        PlaneMac mine = PlaneMac.of(SECRET);
        assertEquals(Verdict.UNAUTHENTICATED, send(signed, WeightRequest.HELLO, 1, SESSION, -1, null, 0), "unsigned");
        assertEquals(Verdict.UNAUTHENTICATED,
                send(signed, WeightRequest.HELLO, 1, SESSION, -1, PlaneMac.of(OTHER_SECRET), 0), "another secret");
        assertEquals(Verdict.HELLO, send(signed, WeightRequest.HELLO, 1, SESSION, -1, mine, 0));
        assertEquals(Verdict.UNAUTHENTICATED, send(signed, WeightRequest.REQUEST, 1, SESSION, 3, null, 0),
                "an unsigned request in a known subscriber's name");
        assertFalse(signed.takeResend(0));
        assertEquals(Verdict.RESEND, send(signed, WeightRequest.REQUEST, 1, SESSION, 3, mine, 0));
        assertTrue(signed.takeResend(0));
        assertEquals(Verdict.UNAUTHENTICATED, send(gate, WeightRequest.HELLO, 2, SESSION, -1, mine, 0),
                "a signed message where the publisher has no secret: both sides must agree");
    }
}
