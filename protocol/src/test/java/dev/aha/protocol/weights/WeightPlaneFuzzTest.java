package dev.aha.protocol.weights;

import static dev.aha.protocol.weights.PlaneFixture.await;
import static dev.aha.protocol.weights.PlaneFixture.filled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile datagrams at a live plane over UDP on 127.0.0.1, sent on the plane's own channels and stream ids from
 * Aeron publications of the test's: random bytes, truncated and lying headers, replays of an old version, and
 * requests for resends, forged or flooding. Afterwards the plane must be alive and unharmed, every datagram accounted
 * for, and resends within the rate limit.
 */
class WeightPlaneFuzzTest {

    private static final int IMAGE = 256 * 1024;
    private static final long INTERVAL_MS = 100;
    private static final int DATA_DATAGRAMS = 800;
    private static final int CONTROL_DATAGRAMS = 400;

    private final PlaneFixture fixture = new PlaneFixture();
    private final Random random = new Random(20_261_129);
    private final UnsafeBuffer datagram = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private final ChunkHeader.Seal seal = new ChunkHeader.Seal(null);
    private final FlatWeights version1 = filled(IMAGE, 1);
    private long forgedSequence;
    private boolean announced7;
    private long forgedVersion = 1_000;

    /** What the forged datagrams should have done, counted as they are made. */
    private int malformedChunks;
    private int replayedChunks;
    private int otherSizes;
    private int droppedControl;
    private int forgedRequests;

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    @Test
    void shouldSurviveHostileDatagramsOnBothStreamsAndStillDeliver() throws Exception {
        WeightPlaneSettings s = PlaneFixture.settings(WeightPlaneSettings.Transport.UDP,
                "resend-interval = " + INTERVAL_MS + "ms");
        Aeron aeron = fixture.aeron(s);
        List<String> problems = new CopyOnWriteArrayList<>();
        List<Long> versions = new CopyOnWriteArrayList<>();
        WeightSubscriber sub = fixture.track(new WeightSubscriber(aeron, s, "sub", "127.0.0.1", IMAGE, snapshot -> {
            if (!snapshot.weights().contentEquals(filled(IMAGE, snapshot.version()))) {
                problems.add("version " + snapshot.version() + " is not what the learner published");
            }
            versions.add(snapshot.version());
        }));
        WeightPublisher publisher = fixture.track(new WeightPublisher(aeron, s));
        publisher.publish(1, filled(IMAGE, 1));
        await(() -> versions.contains(1L), 20);
        ExclusivePublication data = fixture.track(aeron.addExclusivePublication(s.publisherDataChannel(),
                s.dataStreamId()));
        ExclusivePublication control = fixture.track(aeron.addExclusivePublication(s.controlChannel(),
                s.controlStreamId()));
        await(() -> data.isConnected() && control.isConnected(), 10);
        long resendsBefore = publisher.resends();
        long requestsBefore = publisher.resendRequests() + publisher.requestsLimited(); // the subscriber's own
        long limitedBefore = publisher.requestsLimited();

        long start = System.nanoTime();
        int dataSent = 0;
        int controlSent = 0;
        while (dataSent < DATA_DATAGRAMS || controlSent < CONTROL_DATAGRAMS) {
            if (controlSent >= CONTROL_DATAGRAMS || dataSent < DATA_DATAGRAMS && random.nextInt(3) < 2) {
                offer(data, hostileChunk());
                dataSent++;
            } else {
                controlSent += hostileControl(control);
            }
            if ((dataSent + controlSent) % 2 == 0) {
                Thread.sleep(1); // spread over several resend intervals
            }
        }
        int sent = dataSent + controlSent;
        int malformed = malformedChunks;
        int controlDropped = droppedControl;
        await(() -> sub.dropped() == malformed && publisher.controlDropped() == controlDropped
                && sub.refused() == otherSizes, 20, () -> "dropped " + sub.dropped() + " of " + malformed
                + " malformed, control dropped " + publisher.controlDropped() + " of " + controlDropped
                + ", refused " + sub.refused() + " of " + otherSizes);
        await(() -> publisher.resendRequests() + publisher.requestsLimited() - requestsBefore == forgedRequests, 20,
                () -> publisher.resendRequests() + " + " + publisher.requestsLimited() + " - " + requestsBefore + " of "
                        + forgedRequests);

        publisher.publish(2, filled(IMAGE, 2));
        await(() -> versions.contains(2L), 20);
        long resends = publisher.resends() - resendsBefore; // read first: the bound only grows with time
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("weight-plane fuzz: %d datagrams sent (%d data, %d control) in %d ms; subscriber dropped %d "
                        + "malformed, ignored %d, refused %d versions; publisher dropped %d control messages, "
                        + "limited %d requests, accepted %d, started %d resends (rate limit allows %d)%n", sent, dataSent,
                controlSent, elapsedMs, sub.dropped(), sub.ignored(), sub.refused(), publisher.controlDropped(),
                publisher.requestsLimited(), publisher.resendRequests(), resends, elapsedMs / INTERVAL_MS + 1);

        assertEquals(List.of(), problems, "no listener may be told of a snapshot the learner did not publish");
        assertEquals(List.of(1L, 2L), versions);
        assertEquals(malformed, sub.dropped(), "every malformed chunk dropped and counted, nothing else");
        assertTrue(sub.ignored() >= replayedChunks, "replays of version 1 ignored: " + sub.ignored());
        assertEquals(0, sub.errors(), "hostile input is judged, never thrown");
        assertEquals(0, publisher.errors());
        assertTrue(resends >= 1, "the forged subscribers that said hello were answered");
        assertTrue(resends <= elapsedMs / INTERVAL_MS + 1, resends + " resends in " + elapsedMs + " ms");
        assertTrue(publisher.requestsLimited() > limitedBefore, "one subscriber's flood is limited");
    }

    /** One hostile chunk in {@code datagram}; returns its length. */
    private int hostileChunk() {
        int kind = random.nextInt(7);
        if (kind == 0) { // random bytes
            int length = random.nextInt(4096);
            randomBytes(0, length);
            if (length >= 4) {
                datagram.putInt(0, ~ChunkHeader.MAGIC);
            }
            malformedChunks++;
            return length;
        }
        if (kind == 1) { // the magic, then garbage: the header CRC fails
            int length = ChunkHeader.LENGTH + random.nextInt(4096);
            randomBytes(0, length);
            datagram.putInt(ChunkHeader.MAGIC_OFFSET, ChunkHeader.MAGIC);
            malformedChunks++;
            return length;
        }
        if (kind == 2) { // a sealed header, truncated
            layOut(2, 0, IMAGE, 1024);
            seal.seal(datagram, 0);
            malformedChunks++;
            return random.nextInt(ChunkHeader.LENGTH);
        }
        if (kind == 3) { // a replay of version 1, which the subscriber holds
            long offset = (long) random.nextInt(IMAGE / 4096) * 4096;
            boolean last = offset + 4096 == IMAGE;
            layOut(1, offset, IMAGE, 4096);
            datagram.putInt(ChunkHeader.CRC_OFFSET, last ? version1.crc32c() : 0);
            datagram.putBytes(ChunkHeader.LENGTH, version1.slice(offset, 4096), 0, 4096);
            seal.seal(datagram, 0);
            replayedChunks++;
            return ChunkHeader.LENGTH + 4096;
        }
        if (kind == 4) { // consistent, but another model's size, up to the largest a long holds: a version refused
            layOut(forgedVersion++, 0, IMAGE + 8 * (1 + random.nextLong(Long.MAX_VALUE / 8 - IMAGE)), 4096);
            seal.seal(datagram, 0);
            otherSizes++;
            return ChunkHeader.LENGTH + 4096;
        }
        // headers that lie, each with a valid header CRC
        int payload = 8 * (1 + random.nextInt(512));
        long offset = 8L * random.nextInt(IMAGE / 8 - 512);
        layOut(forgedVersion, offset, IMAGE, payload);
        switch (random.nextInt(9)) {
            case 0 -> datagram.putLong(ChunkHeader.TOTAL_LENGTH_OFFSET, offset + payload - 8); // ends in the payload
            case 1 -> datagram.putLong(ChunkHeader.TOTAL_LENGTH_OFFSET, -1 - random.nextInt(IMAGE));
            case 2 -> datagram.putLong(ChunkHeader.OFFSET_OFFSET, Long.MIN_VALUE + random.nextInt(100));
            case 3 -> datagram.putLong(ChunkHeader.OFFSET_OFFSET, Long.MAX_VALUE - random.nextInt(100));
            case 4 -> datagram.putLong(ChunkHeader.OFFSET_OFFSET, IMAGE - payload / 2);
            case 5 -> datagram.putInt(ChunkHeader.DTYPE_OFFSET, 3 + random.nextInt(1000));
            case 6 -> datagram.putLong(ChunkHeader.VERSION_OFFSET, -1 - random.nextInt(1000));
            case 7 -> datagram.putInt(ChunkHeader.PAYLOAD_LENGTH_OFFSET, payload + 8 * (1 + random.nextInt(8)));
            default -> datagram.putInt(ChunkHeader.FLAGS_OFFSET, 2 << random.nextInt(30));
        }
        seal.seal(datagram, 0);
        malformedChunks++;
        return ChunkHeader.LENGTH + payload;
    }

    private void layOut(long version, long offset, long total, int payload) {
        ChunkHeader.write(datagram, 0, WireDtype.F32, SnapshotLabel.full(), version, offset, total, 0, payload);
        randomBytes(ChunkHeader.LENGTH, payload);
    }

    /** Offers one or two hostile control messages (a hello before a request); returns how many. */
    private int hostileControl(ExclusivePublication control) {
        int kind = random.nextInt(6);
        if (kind == 0) { // random bytes
            int length = random.nextInt(2 * WeightRequest.LENGTH);
            randomBytes(0, length);
            if (length >= 4) {
                datagram.putInt(0, ~WeightRequest.MAGIC);
            }
            droppedControl++;
            offer(control, length);
            return 1;
        }
        if (kind == 1) { // a well-formed request, truncated
            request(WeightRequest.REQUEST, 42, WeightRequest.TORN, null);
            droppedControl++;
            offer(control, random.nextInt(WeightRequest.LENGTH));
            return 1;
        }
        if (kind == 2) { // a request from nobody that said hello
            request(WeightRequest.REQUEST, random.nextLong(), WeightRequest.JOINED, null);
            droppedControl++;
            offer(control, WeightRequest.LENGTH);
            return 1;
        }
        if (kind == 3) { // signed, to a publisher without a secret
            request(WeightRequest.HELLO, random.nextLong(), 0, PlaneMac.of(PlaneFixture.SECRET));
            droppedControl++;
            offer(control, WeightRequest.LENGTH);
            return 1;
        }
        // A subscriber that said hello (id 7, once; or a fresh id each time) floods with requests: without a secret
        // its hello is as good as a real one, and only the rate limit stands between it and the bandwidth.
        int sent = 0;
        long id = kind == 4 ? 7 : random.nextLong();
        if (kind == 5 || !announced7) {
            announced7 |= kind == 4;
            request(WeightRequest.HELLO, id, 0, null);
            offer(control, WeightRequest.LENGTH);
            sent++;
        }
        request(WeightRequest.REQUEST, id, WeightRequest.STALLED, null);
        offer(control, WeightRequest.LENGTH);
        forgedRequests++;
        return sent + 1;
    }

    private void request(int kind, long id, int reason, PlaneMac mac) {
        WeightRequest.write(datagram, kind, id, ++forgedSequence, -1, reason, mac);
    }

    private void randomBytes(int at, int length) {
        for (int i = 0; i < length; i++) {
            datagram.putByte(at + i, (byte) random.nextInt());
        }
    }

    private void offer(ExclusivePublication to, int length) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long result;
        while ((result = to.offer(datagram, 0, length)) < 0) {
            if (result == Publication.CLOSED || System.nanoTime() > deadline) {
                throw new IllegalStateException("could not offer a hostile datagram: " + result);
            }
            Thread.onSpinWait();
        }
    }
}
