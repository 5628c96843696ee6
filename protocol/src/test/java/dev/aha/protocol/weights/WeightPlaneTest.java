package dev.aha.protocol.weights;

import static dev.aha.protocol.weights.PlaneFixture.MIB;
import static dev.aha.protocol.weights.PlaneFixture.SMALL_SEGMENTS;
import static dev.aha.protocol.weights.PlaneFixture.await;
import static dev.aha.protocol.weights.PlaneFixture.filled;
import static dev.aha.protocol.weights.PlaneFixture.ipc;
import static dev.aha.protocol.weights.PlaneFixture.random;
import static dev.aha.protocol.weights.PlaneFixture.randomImage;
import static dev.aha.protocol.weights.PlaneFixture.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.weights.PlaneFixture.Received;
import io.aeron.Aeron;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The weight plane over a real embedded media driver, on IPC and on UDP over 127.0.0.1. */
class WeightPlaneTest {

    private final PlaneFixture fixture = new PlaneFixture();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    private <T extends AutoCloseable> T track(T c) {
        return fixture.track(c);
    }

    @Test
    void shouldMove64MibBitExactOverIpc() throws Exception {
        shouldMoveBitExact(ipc());
    }

    @Test
    void shouldMove64MibBitExactOverUdp() throws Exception {
        shouldMoveBitExact(PlaneFixture.settings(WeightPlaneSettings.Transport.UDP, ""));
    }

    private void shouldMoveBitExact(WeightPlaneSettings s) throws Exception {
        Aeron aeron = fixture.aeron(s);
        FlatWeights image = FlatWeights.wrap(random(64 * MIB, 1));
        Received received = new Received();
        track(new WeightSubscriber(aeron, s, "sub", "127.0.0.1", 64 * MIB, received));
        WeightPublisher publisher = track(new WeightPublisher(aeron, s));
        publisher.publish(7, image);
        await(() -> received.versions.contains(7L), 30);
        assertTrue(image.contentEquals(received.last().weights()), "the image must arrive bit for bit");
    }

    /** Publishes {@code image} as version 1 to a subscriber with 1 MiB segments and returns what it received. */
    private WeightSnapshot overSmallSegments(WeightPlaneSettings s, FlatWeights image) throws InterruptedException {
        Aeron aeron = fixture.aeron(s);
        Received received = new Received();
        track(new WeightSubscriber(aeron, s, "sub", "127.0.0.1", image.size(), received, SMALL_SEGMENTS,
                System::nanoTime));
        track(new WeightPublisher(aeron, s)).publish(1, image);
        await(() -> received.versions.contains(1L), 20);
        return received.last();
    }

    @Test
    void shouldMoveAnImageOfSeveralSegmentsIntact() throws Exception {
        FlatWeights image = randomImage(7 * MIB / 2, 11); // 3.5 segments
        WeightSnapshot got = overSmallSegments(ipc(), image);
        assertEquals(4, got.weights().segmentCount());
        assertTrue(image.contentEquals(got.weights()), "every segment must arrive bit for bit");
        assertEquals(image.crc32c(), got.crc32c());
        assertEquals(WireDtype.F32, got.wireDtype());
        assertTrue(got.weights().isReadOnly(), "listeners share the snapshot: it is handed out read-only");
    }

    @Test
    void shouldSendBf16AndHandListenersTheFloat32Widening() throws Exception {
        long size = 7 * MIB / 2;
        FlatWeights image = randomImage(size, 12);
        FlatWeights narrowed = FlatWeights.allocate(size / 2, SMALL_SEGMENTS);
        Bf16.narrow(image, narrowed);
        FlatWeights expected = FlatWeights.allocate(size);
        Bf16.widen(narrowed, expected);
        WeightSnapshot got = overSmallSegments(ipc().withWireDtype(WireDtype.BF16), image);
        assertEquals(size, got.weights().size(), "listeners get float32, whatever crossed the wire");
        assertTrue(expected.contentEquals(got.weights()), "the snapshot is the bf16 rounding of the learner's image");
        assertEquals(WireDtype.BF16, got.wireDtype());
        assertEquals(narrowed.crc32c(), got.crc32c(), "the CRC covers the bf16 bytes that crossed the wire");
    }

    @Test
    void shouldRefuseAVersionSentInAnotherDtypeRatherThanMisreadIt() throws Exception {
        WeightPlaneSettings f32 = ipc();
        Aeron aeron = fixture.aeron(f32);
        Received received = new Received();
        WeightSubscriber sub = track(new WeightSubscriber(aeron, f32, "sub", "127.0.0.1", 2 * MIB, received));
        WeightPublisher publisher = track(new WeightPublisher(aeron, f32.withWireDtype(WireDtype.BF16)));
        publisher.publish(1, randomImage(2 * MIB, 13));
        await(() -> sub.refused() > 0, 20);
        assertNotNull(sub.refusal());
        assertTrue(sub.refusal().contains("bf16") && sub.refusal().contains("f32"), sub.refusal());
        publisher.publish(2, randomImage(2 * MIB, 14));
        await(() -> sub.refused() > 1, 20);
        Thread.sleep(300);
        assertEquals(List.of(), received.versions, "nothing read in the wrong dtype may reach a listener");
        assertEquals(0, sub.applied());
        assertEquals(2, sub.refused(), "each version is refused once, not once per chunk or resend");
    }

    @Test
    void shouldRefuseAVersionOfAnotherSize() throws Exception {
        WeightPlaneSettings s = ipc();
        Aeron aeron = fixture.aeron(s);
        Received received = new Received();
        WeightSubscriber sub = track(new WeightSubscriber(aeron, s, "sub", "127.0.0.1", MIB, received));
        WeightPublisher publisher = track(new WeightPublisher(aeron, s));
        publisher.publish(1, randomImage(2 * MIB, 15));
        await(() -> sub.refused() > 0, 20);
        assertTrue(sub.refusal().contains(String.valueOf(2 * MIB)), sub.refusal());
        assertEquals(List.of(), received.versions);
    }

    /** A subscriber that has joined, facing a hand-driven publisher that plays the learner, right or wrong. */
    private record RawRig(WeightSubscriber sub, RawPublisher raw, Received received) {}

    private RawRig rawRig(long imageBytes) throws InterruptedException {
        WeightPlaneSettings s = ipc();
        Aeron aeron = fixture.aeron(s);
        Received received = new Received();
        WeightSubscriber sub = track(new WeightSubscriber(aeron, s, "sub", "127.0.0.1", imageBytes, received));
        RawPublisher raw = track(new RawPublisher(aeron, s));
        raw.awaitRequest(WeightRequest.JOINED, 10);
        return new RawRig(sub, raw, received);
    }

    @Test
    void shouldDetectACorruptedChunkAndFetchTheVersionAgain() throws Exception {
        FlatWeights image = randomImage(4 * MIB, 2);
        RawRig rig = rawRig(image.size());
        // one bit flipped in flight in a chunk in the middle; the CRC in the last chunk is the true image's
        rig.raw().send(1, WireDtype.F32, image, (chunk, offset, last) -> {
            if (offset == 2L * MIB) {
                chunk.putByte(ChunkHeader.LENGTH + 100, (byte) (chunk.getByte(ChunkHeader.LENGTH + 100) ^ 0x10));
            }
        });
        rig.raw().awaitRequest(WeightRequest.CORRUPT, 10);
        assertEquals(1, rig.sub().rejected(), "the corrupted transfer must be rejected");
        assertEquals(List.of(), rig.received().versions, "a corrupted version must never reach a listener");
        rig.raw().send(1, WireDtype.F32, image, RawPublisher.NONE); // the learner answers the request
        await(() -> rig.received().versions.contains(1L), 20);
        assertEquals(List.of(1L), rig.received().versions, "only the verified copy may be applied");
        assertTrue(image.contentEquals(rig.received().last().weights()));
    }

    @Test
    void shouldDropMalformedChunksCountThemAndAskAgain() throws Exception {
        FlatWeights image = randomImage(2 * MIB, 3);
        RawRig rig = rawRig(image.size());
        // mid-transfer, one chunk's header lies about its offset: dropped, which tears the transfer
        rig.raw().send(1, WireDtype.F32, image, (chunk, offset, last) -> {
            if (offset == MIB) {
                chunk.putLong(ChunkHeader.OFFSET_OFFSET, 3L * MIB);
            }
        });
        rig.raw().awaitRequest(WeightRequest.TORN, 10);
        // and chunks no publisher would send, on their own: each header lie carries a valid header CRC
        List<RawPublisher.Tamper> lies = List.of(
                (c, o, l) -> c.putInt(ChunkHeader.MAGIC_OFFSET, 0x12345678),
                (c, o, l) -> c.putInt(ChunkHeader.DTYPE_OFFSET, 99),
                (c, o, l) -> c.putInt(ChunkHeader.FLAGS_OFFSET, 4),
                (c, o, l) -> c.putInt(ChunkHeader.PAYLOAD_LENGTH_OFFSET, c.getInt(ChunkHeader.PAYLOAD_LENGTH_OFFSET) + 8),
                (c, o, l) -> c.putLong(ChunkHeader.VERSION_OFFSET, -5),
                (c, o, l) -> c.putLong(ChunkHeader.TOTAL_LENGTH_OFFSET, 16), // payload beyond the announced end
                (c, o, l) -> c.putLong(ChunkHeader.TOTAL_LENGTH_OFFSET, -2 * MIB),
                (c, o, l) -> c.putLong(ChunkHeader.OFFSET_OFFSET, Long.MIN_VALUE),
                (c, o, l) -> c.putLong(ChunkHeader.OFFSET_OFFSET, Long.MAX_VALUE - 100), // past the end, overflowing
                (c, o, l) -> c.putLong(ChunkHeader.OFFSET_OFFSET, MIB - 64)); // across a segment end
        for (RawPublisher.Tamper lie : lies) {
            layOut(rig.raw(), 4096);
            lie.apply(rig.raw().scratch(), 0, false);
            rig.raw().seal();
            rig.raw().offer(ChunkHeader.LENGTH + 4096);
        }
        // a header damaged after sealing, and a datagram shorter than a header
        layOut(rig.raw(), 4096);
        rig.raw().seal();
        rig.raw().scratch().putLong(ChunkHeader.OFFSET_OFFSET, 4096);
        rig.raw().offer(ChunkHeader.LENGTH + 4096);
        rig.raw().offer(ChunkHeader.LENGTH - 1);
        int malformed = 1 + lies.size() + 2;
        await(() -> rig.sub().dropped() == malformed, 10);
        rig.raw().send(1, WireDtype.F32, image, RawPublisher.NONE);
        await(() -> rig.received().versions.contains(1L), 20);
        assertTrue(image.contentEquals(rig.received().last().weights()));
        assertEquals(malformed, rig.sub().dropped());
        assertEquals(List.of(1L), rig.received().versions);
    }

    /** Lays out a true header of version 2's first chunk, {@code payload} bytes long, in the raw scratch. */
    private static void layOut(RawPublisher raw, int payload) {
        ChunkHeader.write(raw.scratch(), 0, WireDtype.F32, SnapshotLabel.full(), 2, 0, 2 * MIB, 0, payload);
    }

    @Test
    void shouldKeepReceivingWhenTheListenerOrADutyCycleFails() throws Exception {
        WeightPlaneSettings s = ipc();
        Aeron aeron = fixture.aeron(s);
        Received received = new Received();
        AtomicBoolean failClock = new AtomicBoolean();
        // the fault comes from outside, through the receiver's clock: its next duty cycle throws
        LongSupplier clock = () -> {
            if (failClock.compareAndSet(true, false)) {
                throw new IllegalStateException("an injected fault");
            }
            return System.nanoTime();
        };
        WeightSubscriber sub = track(new WeightSubscriber(aeron, s, "sub", "127.0.0.1", MIB, snapshot -> {
            if (snapshot.version() == 1) {
                throw new IllegalStateException("a listener's bug");
            }
            if (snapshot.version() == 2) {
                throwUnchecked(new IOException("a checked exception, past any catch of RuntimeException"));
            }
            received.onReady(snapshot);
        }, FlatWeights.SEGMENT_SHIFT, clock));
        WeightPublisher publisher = track(new WeightPublisher(aeron, s));
        publisher.publish(1, filled(MIB, 1));
        await(() -> sub.applied() == 1 && sub.errors() == 1, 20);
        failClock.set(true);
        await(() -> sub.errors() == 2, 10);
        publisher.publish(2, filled(MIB, 2));
        await(() -> sub.applied() == 2 && sub.errors() == 3, 20);
        publisher.publish(3, filled(MIB, 3));
        await(() -> received.versions.contains(3L), 20);
        assertTrue(filled(MIB, 3).contentEquals(received.last().weights()), "the receiver goes on intact");
        assertEquals(List.of(3L), received.versions);
        assertEquals(3, sub.errors(), "each failure is counted once");
        assertEquals(0, publisher.errors());
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void throwUnchecked(Throwable e) throws E {
        throw (E) e;
    }

    @Test
    void shouldGiveALateJoinerTheCurrentVersion() throws Exception {
        WeightPlaneSettings s = ipc();
        Aeron aeron = fixture.aeron(s);
        WeightPublisher publisher = track(new WeightPublisher(aeron, s));
        Received early = new Received();
        track(new WeightSubscriber(aeron, s, "early", "127.0.0.1", MIB, early));
        for (long v = 1; v <= 3; v++) {
            publisher.publish(v, filled(MIB, v));
        }
        await(() -> early.versions.contains(3L), 20);
        Received late = new Received();
        track(new WeightSubscriber(aeron, s, "late", "127.0.0.1", MIB, late));
        await(() -> late.versions.contains(3L), 20);
        assertTrue(filled(MIB, 3).contentEquals(late.last().weights()));
        // Without a new publish the late joiner reaches the current version. It may first assemble an older one
        // still in the log when it joined (seen under load); never a torn one, and never out of order.
        assertEquals(3L, late.versions.get(late.versions.size() - 1));
        for (int i = 1; i < late.versions.size(); i++) {
            assertTrue(late.versions.get(i) > late.versions.get(i - 1), "in order: " + late.versions);
        }
    }

    @Test
    void shouldLeaveASlowSubscriberAtTheLastVersionWithoutTornOrOutOfOrderSnapshots() throws Exception {
        WeightPlaneSettings s = ipc();
        Aeron aeron = fixture.aeron(s);
        int size = 2 * MIB;
        List<String> problems = new CopyOnWriteArrayList<>();
        List<Long> versions = new CopyOnWriteArrayList<>();
        WeightListener slow = snapshot -> {
            long version = snapshot.version();
            if (!versions.isEmpty() && version <= versions.get(versions.size() - 1)) {
                problems.add("version " + version + " after " + versions.get(versions.size() - 1));
            }
            sleep(30); // a rollout busy with a group: the buffer must hold still meanwhile
            if (!snapshot.weights().contentEquals(filled(size, version))) {
                problems.add("version " + version + " is torn");
            }
            versions.add(version);
        };
        track(new WeightSubscriber(aeron, s, "slow", "127.0.0.1", size, slow));
        WeightPublisher publisher = track(new WeightPublisher(aeron, s));
        long longestPublishNanos = 0;
        for (long v = 1; v <= 100; v++) {
            FlatWeights b = filled(size, v);
            long t0 = System.nanoTime();
            publisher.publish(v, b);
            longestPublishNanos = Math.max(longestPublishNanos, System.nanoTime() - t0);
        }
        await(() -> !versions.isEmpty() && versions.get(versions.size() - 1) == 100L, 30);
        assertEquals(List.of(), problems);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(longestPublishNanos) < 500,
                "publish() must not wait on the subscriber: took " + longestPublishNanos / 1e6 + " ms");
    }

    @Test
    void shouldRefuseToPublishAVersionAgainOrAnImageOfPartFloats() {
        WeightPlaneSettings s = ipc();
        Aeron aeron = fixture.aeron(s);
        WeightPublisher publisher = track(new WeightPublisher(aeron, s));
        publisher.publish(5, filled(MIB, 5));
        assertThrows(IllegalArgumentException.class, () -> publisher.publish(5, filled(MIB, 5)));
        assertThrows(IllegalArgumentException.class, () -> publisher.publish(6, FlatWeights.allocate(6)));
    }
}
