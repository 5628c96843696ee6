package dev.aha.bench;

import dev.aha.protocol.weights.EmbeddedDriver;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.protocol.weights.WeightPublisher;
import dev.aha.protocol.weights.WeightSubscriber;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Times whole snapshots across the weight plane and the memcpy it is compared with. A transfer is timed end to end:
 * from the publish call until the subscriber holds the whole image with its CRC32C verified.
 */
final class PlaneTimer {

    /** Per-transfer seconds after warm-up, and whether the subscriber turned nothing away. */
    record Result(double[] seconds, boolean clean) {}

    private PlaneTimer() {}

    static Result aeron(FlatWeights image, WeightPlaneSettings s, int warmup, int repeat) throws Exception {
        return aeron(image, s, SnapshotLabel.full(), warmup, repeat);
    }

    /** The same for an image {@code label} says what it is (LoRA adapters go with the adapter stream's settings). */
    static Result aeron(FlatWeights image, WeightPlaneSettings s, SnapshotLabel label, int warmup, int repeat)
            throws Exception {
        // The listener records the arrival time itself; the main thread blocks (never spins: on 2 cores a spinning
        // waiter would take the core the sender or the receiver needs). It keeps no snapshot: each is garbage at once.
        BlockingQueue<long[]> arrivals = new ArrayBlockingQueue<>(repeat + warmup + 1);
        try (EmbeddedDriver driver = EmbeddedDriver.launch("bench", s);
                WeightSubscriber sub = new WeightSubscriber(driver.aeron(), s, "bench", "127.0.0.1", label.kind(),
                        image.size(), snapshot -> // CRC32C already verified by the subscriber when it calls this
                                arrivals.add(new long[] {snapshot.version(), System.nanoTime()}));
                WeightPublisher pub = new WeightPublisher(driver.aeron(), s)) {
            double[] seconds = new double[repeat];
            for (int i = -warmup - 1; i < repeat; i++) {
                long version = i + warmup + 2;
                long t0 = System.nanoTime();
                pub.publish(version, image, label); // the plane only reads it: the same image serves every version
                long[] arrival;
                do {
                    arrival = arrivals.poll(60 + image.size() / (20L << 20), TimeUnit.SECONDS);
                    if (arrival == null) {
                        throw new IllegalStateException(s.transport() + ": version " + version + " never arrived");
                    }
                } while (arrival[0] < version);
                if (i >= 0) {
                    seconds[i] = (arrival[1] - t0) / 1e9;
                }
            }
            // the subscriber hands on only CRC-verified snapshots and counts what it turns away
            return new Result(seconds, sub.rejected() == 0 && sub.dropped() == 0 && sub.refused() == 0);
        }
    }

    /** One copy of the image into preallocated memory, per repetition. */
    static double[] memcpy(FlatWeights image, int warmup, int repeat) {
        FlatWeights target = FlatWeights.allocate(image.size());
        double[] seconds = new double[repeat];
        for (int i = -warmup; i < repeat; i++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < image.segmentCount(); s++) {
                target.put((long) s << FlatWeights.SEGMENT_SHIFT, image.segment(s));
            }
            long t = System.nanoTime() - t0;
            if (i >= 0) {
                seconds[i] = t / 1e9;
            }
        }
        return seconds;
    }

    static double[] gbps(long bytes, double[] seconds) {
        double[] rates = new double[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            rates[i] = bytes / seconds[i] / 1e9;
        }
        return rates;
    }
}
