package dev.aha.protocol.weights;

import static dev.aha.protocol.weights.PlaneFixture.MIB;
import static dev.aha.protocol.weights.PlaneFixture.OTHER_SECRET;
import static dev.aha.protocol.weights.PlaneFixture.SECRET;
import static dev.aha.protocol.weights.PlaneFixture.await;
import static dev.aha.protocol.weights.PlaneFixture.filled;
import static dev.aha.protocol.weights.PlaneFixture.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aha.protocol.weights.PlaneFixture.Received;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import java.nio.ByteBuffer;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** aha.weights.secret: snapshots and requests authenticated; nodes that do not share the secret get nothing, loudly. */
class WeightPlaneSecretTest {

    private final PlaneFixture fixture = new PlaneFixture();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        log.start();
        for (Class<?> c : List.of(WeightSubscriber.class, WeightPublisher.class)) {
            ((Logger) LoggerFactory.getLogger(c)).addAppender(log);
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (Class<?> c : List.of(WeightSubscriber.class, WeightPublisher.class)) {
            ((Logger) LoggerFactory.getLogger(c)).detachAppender(log);
        }
        fixture.close();
    }

    private static WeightPlaneSettings withSecret(String secret) {
        return PlaneFixture.settings(WeightPlaneSettings.Transport.IPC, "secret = \"" + secret + "\"");
    }

    private boolean logged(Level level, String loggerSuffix, String text) {
        return log.list.stream().anyMatch(e -> e.getLevel() == level && e.getLoggerName().endsWith(loggerSuffix)
                && e.getFormattedMessage().contains(text));
    }

    @Test
    void shouldTransferOnlyToSubscribersThatShareTheSecretAndLogTheOthers() throws Exception {
        WeightPlaneSettings s = withSecret(SECRET);
        Aeron aeron = fixture.aeron(s);
        Received same = new Received();
        Received other = new Received();
        Received none = new Received();
        fixture.track(new WeightSubscriber(aeron, s, "same", "127.0.0.1", MIB, same));
        WeightSubscriber otherSub = fixture.track(new WeightSubscriber(aeron, withSecret(OTHER_SECRET), "other",
                "127.0.0.1", MIB, other));
        WeightSubscriber noneSub = fixture.track(new WeightSubscriber(aeron, withSecret(""), "none", "127.0.0.1",
                MIB, none));
        WeightPublisher publisher = fixture.track(new WeightPublisher(aeron, s));
        for (long v = 1; v <= 2; v++) {
            publisher.publish(v, filled(MIB, v));
            long version = v;
            await(() -> same.versions.contains(version), 20);
            assertTrue(filled(MIB, v).contentEquals(same.last().weights()), "the same secret: version " + v);
        }
        long chunks = 2 * chunksOf(MIB, s.maxChunkPayload()); // more if a subscriber's request raced the publish
        await(() -> otherSub.unauthenticated() >= chunks && noneSub.refused() >= 2, 10, () -> "unauthenticated "
                + otherSub.unauthenticated() + " of " + chunks + " chunks, refused " + noneSub.refused());
        assertEquals(List.of(), other.versions, "another secret: no snapshot accepted");
        assertEquals(0, otherSub.applied());
        assertTrue(logged(Level.ERROR, "WeightSubscriber", "other: dropped a weight chunk that failed authentication"),
                "another secret is an error in the log");
        assertEquals(List.of(), none.versions, "no secret: no snapshot accepted");
        assertTrue(noneSub.refusal().contains("aha.weights.secret"), noneSub.refusal());
        assertTrue(logged(Level.ERROR, "WeightSubscriber", "none: refusing weights"));
        // both keep asking, and the publisher ignores them: their requests are not signed with its secret
        await(() -> publisher.controlDropped() >= 2, 10);
        assertTrue(logged(Level.ERROR, "WeightPublisher", "failed authentication"), "and so is it on the publisher");
        assertEquals(0, publisher.errors() + otherSub.errors() + noneSub.errors());
    }

    @Test
    void shouldIgnoreResendRequestsThatAreNotSignedWithTheSecret() throws Exception {
        WeightPlaneSettings s = withSecret(SECRET);
        Aeron aeron = fixture.aeron(s);
        Received received = new Received();
        WeightSubscriber sub = fixture.track(new WeightSubscriber(aeron, s, "sub", "127.0.0.1", MIB, received));
        WeightPublisher publisher = fixture.track(new WeightPublisher(aeron, s));
        publisher.publish(1, filled(MIB, 1));
        await(() -> received.versions.contains(1L), 20);
        ExclusivePublication forger = fixture.track(aeron.addExclusivePublication(s.controlChannel(),
                s.controlStreamId()));
        await(forger::isConnected, 10);
        sleep(100); // the subscriber's own traffic settles
        long resends = publisher.resends();
        long requests = publisher.resendRequests();
        long dropped = publisher.controlDropped();

        UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(WeightRequest.LENGTH));
        long sequence = 0;
        PlaneMac other = PlaneMac.of(OTHER_SECRET);
        for (int i = 0; i < 20; i++) {
            PlaneMac mac = i % 2 == 0 ? null : other; // unsigned, or signed with another secret
            WeightRequest.write(message, WeightRequest.HELLO, 99, ++sequence, -1, 0, mac);
            offer(forger, message);
            WeightRequest.write(message, WeightRequest.REQUEST, 99, ++sequence, -1, WeightRequest.CORRUPT, mac);
            offer(forger, message);
        }
        await(() -> publisher.controlDropped() - dropped == 40, 10);
        sleep(3 * s.resendInterval().toMillis());
        assertEquals(resends, publisher.resends(), "no unsigned or wrongly signed request is served");
        assertEquals(requests, publisher.resendRequests());
        assertEquals(0, publisher.errors() + sub.errors());

        // the same requests, signed with the secret, are served: the forged ones were refused for their signature
        PlaneMac mac = PlaneMac.of(SECRET);
        WeightRequest.write(message, WeightRequest.HELLO, 99, ++sequence, -1, 0, mac);
        offer(forger, message);
        WeightRequest.write(message, WeightRequest.REQUEST, 99, ++sequence, -1, WeightRequest.CORRUPT, mac);
        offer(forger, message);
        await(() -> publisher.resends() == resends + 1, 10);
        assertEquals(List.of(1L), received.versions, "a resend of a version held is ignored by its subscriber");
    }

    private static long chunksOf(long bytes, int maxPayload) {
        long chunks = 0;
        for (long offset = 0; offset < bytes; offset += ChunkHeader.payloadAt(offset, bytes, maxPayload)) {
            chunks++;
        }
        return chunks;
    }

    private static void offer(ExclusivePublication to, UnsafeBuffer message) throws InterruptedException {
        while (to.offer(message, 0, WeightRequest.LENGTH) < 0) {
            Thread.sleep(1);
        }
    }
}
