package dev.aha.protocol.weights;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.ConfigFactory;
import io.aeron.Aeron;
import java.io.File;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the weight-plane tests share: settings, one embedded driver per test that {@link #close()} removes from
 * /dev/shm with everything opened on it, images that show any mix of versions, and a listener that records.
 */
final class PlaneFixture implements AutoCloseable {

    static final int MIB = 1 << 20;
    /** 1 MiB segments: small images that still cross segment ends. */
    static final int SMALL_SEGMENTS = FlatWeights.MIN_SEGMENT_SHIFT;
    /** Secrets for the tests that authenticate: long enough for the settings, and different. */
    static final String SECRET = "correct horse battery staple";
    static final String OTHER_SECRET = "a different shared secret";

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private EmbeddedDriver driver;

    /** The reference settings on {@code transport}, on random ports, with {@code overrides} in HOCON. */
    static WeightPlaneSettings settings(WeightPlaneSettings.Transport transport, String overrides) {
        WeightPlaneSettings read = WeightPlaneSettings.fromConfig(ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.load().getConfig("aha.weights")));
        int base = 41000 + new Random().nextInt(2000) * 2;
        return read.withTransport(transport, base, base + 1);
    }

    static WeightPlaneSettings ipc() {
        return settings(WeightPlaneSettings.Transport.IPC, "");
    }

    /** The client of this test's driver, launched with {@code s} on first use. */
    Aeron aeron(WeightPlaneSettings s) {
        if (driver == null) {
            driver = EmbeddedDriver.launch("test", s);
        }
        return driver.aeron();
    }

    /** Closed, most recent first, before the driver. */
    <T extends AutoCloseable> T track(T c) {
        open.add(0, c);
        return c;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (driver != null) {
            File dir = driver.directory();
            driver.close();
            assertFalse(dir.exists(), "the driver's directory must be removed: " + dir);
        }
    }

    static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        await(condition, seconds, () -> "");
    }

    /** @param state what the failure message shows of where things stood */
    static void await(BooleanSupplier condition, int seconds, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in " + seconds + " s " + state.get());
            }
            Thread.sleep(5);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ByteBuffer random(int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return ByteBuffer.allocateDirect(bytes).put(b).flip();
    }

    /** Random bytes in 1 MiB segments. */
    static FlatWeights randomImage(long bytes, long seed) {
        FlatWeights w = FlatWeights.allocate(bytes, SMALL_SEGMENTS);
        w.put(0, random((int) bytes, seed));
        return w;
    }

    /** An image whose every long is {@code version}: any mix of two versions shows. */
    static FlatWeights filled(int bytes, long version) {
        FlatWeights w = FlatWeights.allocate(bytes);
        ByteBuffer b = w.segment(0);
        while (b.remaining() >= 8) {
            b.putLong(version);
        }
        return w;
    }

    /** Records each applied version and a copy of the last snapshot (the subscriber's is valid only during the call). */
    static final class Received implements WeightListener {
        final List<Long> versions = new CopyOnWriteArrayList<>();
        private volatile WeightSnapshot last;

        @Override
        public void onReady(WeightSnapshot snapshot) {
            last = new WeightSnapshot(snapshot.version(), snapshot.weights().copy().asReadOnly(), snapshot.crc32c(),
                    snapshot.wireDtype(), snapshot.label());
            versions.add(snapshot.version());
        }

        WeightSnapshot last() {
            return last;
        }
    }
}
