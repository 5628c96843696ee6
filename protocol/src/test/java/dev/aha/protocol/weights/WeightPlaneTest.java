package dev.aha.protocol.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The weight plane over a real embedded media driver, on IPC and on UDP over 127.0.0.1. */
class WeightPlaneTest {

    private static final int MIB = 1 << 20;

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private EmbeddedDriver driver;

    private static WeightPlaneSettings settings(WeightPlaneSettings.Transport transport) {
        WeightPlaneSettings defaults = WeightPlaneSettings.fromConfig(ConfigFactory.load().getConfig("aha.weights"));
        int base = 41000 + new Random().nextInt(2000) * 2;
        return defaults.withTransport(transport, base, base + 1);
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(0, c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (driver != null) {
            File dir = driver.directory();
            driver.close();
            assertFalse(dir.exists(), "the driver's directory must be removed: " + dir);
        }
    }

    @Test
    void shouldMove64MibBitExactOverIpc() throws Exception {
        shouldMoveBitExact(settings(WeightPlaneSettings.Transport.IPC));
    }

    @Test
    void shouldMove64MibBitExactOverUdp() throws Exception {
        shouldMoveBitExact(settings(WeightPlaneSettings.Transport.UDP));
    }

    private void shouldMoveBitExact(WeightPlaneSettings s) throws Exception {
        driver = EmbeddedDriver.launch("test", s);
        ByteBuffer snapshot = random(64 * MIB, 1);
        Received received = new Received();
        track(new WeightSubscriber(driver.aeron(), s, "sub", "127.0.0.1", 64 * MIB, received));
        WeightPublisher publisher = track(new WeightPublisher(driver.aeron(), s));
        publisher.publish(7, snapshot.duplicate());
        await(() -> received.versions.contains(7L), 30);
        assertEquals(snapshot, received.last, "the snapshot must arrive bit for bit");
    }

    @Test
    void shouldDetectACorruptedChunkAndFetchTheVersionAgain() throws Exception {
        WeightPlaneSettings s = settings(WeightPlaneSettings.Transport.IPC);
        driver = EmbeddedDriver.launch("test", s);
        ByteBuffer snapshot = random(4 * MIB, 2);
        Received received = new Received();
        WeightSubscriber sub = track(new WeightSubscriber(driver.aeron(), s, "sub", "127.0.0.1", 4 * MIB, received));
        WeightPublisher publisher = track(new WeightPublisher(driver.aeron(), s));
        await(() -> sub.requests() > 0, 10); // joined and asked
        sub.corruptNextTransfer();
        publisher.publish(1, snapshot.duplicate());
        await(() -> received.versions.contains(1L), 20);
        assertTrue(sub.rejected() >= 1, "the corrupted transfer must be rejected");
        assertTrue(publisher.resendRequests() >= 2, "the subscriber must ask again after the CRC mismatch");
        assertEquals(List.of(1L), received.versions, "only the verified copy may be applied");
        assertEquals(snapshot, received.last);
    }

    @Test
    void shouldGiveALateJoinerTheCurrentVersion() throws Exception {
        WeightPlaneSettings s = settings(WeightPlaneSettings.Transport.IPC);
        driver = EmbeddedDriver.launch("test", s);
        WeightPublisher publisher = track(new WeightPublisher(driver.aeron(), s));
        Received early = new Received();
        track(new WeightSubscriber(driver.aeron(), s, "early", "127.0.0.1", MIB, early));
        for (long v = 1; v <= 3; v++) {
            publisher.publish(v, filled(MIB, v));
        }
        await(() -> early.versions.contains(3L), 20);
        Received late = new Received();
        track(new WeightSubscriber(driver.aeron(), s, "late", "127.0.0.1", MIB, late));
        await(() -> late.versions.contains(3L), 20);
        assertEquals(filled(MIB, 3), late.last);
        assertEquals(List.of(3L), late.versions, "a late joiner starts at the current version");
    }

    @Test
    void shouldLeaveASlowSubscriberAtTheLastVersionWithoutTornOrOutOfOrderSnapshots() throws Exception {
        WeightPlaneSettings s = settings(WeightPlaneSettings.Transport.IPC);
        driver = EmbeddedDriver.launch("test", s);
        int size = 2 * MIB;
        List<String> problems = new CopyOnWriteArrayList<>();
        List<Long> versions = new CopyOnWriteArrayList<>();
        WeightListener slow = (version, snapshot) -> {
            if (!versions.isEmpty() && version <= versions.get(versions.size() - 1)) {
                problems.add("version " + version + " after " + versions.get(versions.size() - 1));
            }
            if (!snapshot.equals(filled(size, version))) {
                problems.add("version " + version + " is torn");
            }
            versions.add(version);
            sleep(30); // a rollout busy with a group
        };
        track(new WeightSubscriber(driver.aeron(), s, "slow", "127.0.0.1", size, slow));
        WeightPublisher publisher = track(new WeightPublisher(driver.aeron(), s));
        long longestPublishNanos = 0;
        for (long v = 1; v <= 100; v++) {
            ByteBuffer b = filled(size, v);
            long t0 = System.nanoTime();
            publisher.publish(v, b);
            longestPublishNanos = Math.max(longestPublishNanos, System.nanoTime() - t0);
        }
        await(() -> !versions.isEmpty() && versions.get(versions.size() - 1) == 100L, 30);
        assertEquals(List.of(), problems);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(longestPublishNanos) < 500,
                "publish() must not wait on the subscriber: took " + longestPublishNanos / 1e6 + " ms");
    }

    private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in " + seconds + " s");
            }
            Thread.sleep(5);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ByteBuffer random(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN).put(b).flip();
    }

    /** A snapshot whose every long is {@code version}: any mix of two versions shows. */
    static ByteBuffer filled(int bytes, long version) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 8) {
            b.putLong(version);
        }
        return b.flip();
    }

    /** Records each applied version and a copy of the last snapshot. */
    static final class Received implements WeightListener {
        final List<Long> versions = new CopyOnWriteArrayList<>();
        volatile ByteBuffer last;

        @Override
        public void onReady(long version, ByteBuffer snapshot) {
            ByteBuffer copy = ByteBuffer.allocateDirect(snapshot.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            copy.put(snapshot.duplicate()).flip();
            last = copy;
            versions.add(version);
        }
    }
}
