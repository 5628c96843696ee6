package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.EmbeddedDriver;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.protocol.weights.WeightPublisher;
import dev.aha.protocol.weights.WeightSubscriber;
import dev.aha.runtime.config.AhaConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aha bench weights}: how fast a weight snapshot reaches a subscriber, against memcpy and against Pekko
 * messages over Artery, all measured in this one run (medians after warm-up). Each transfer is timed end to end:
 * from the publish call until the subscriber holds the whole snapshot with its CRC32C verified.
 *
 * <ul>
 *   <li>memcpy: one copy of the snapshot between two preallocated direct buffers (ByteBuffer.put);</li>
 *   <li>aeron_ipc: the weight plane over IPC through this JVM's embedded media driver;</li>
 *   <li>aeron_udp: the same over UDP on 127.0.0.1 (MTU 65504, socket buffers as configured);</li>
 *   <li>artery: 1 MiB byte[] messages between two ActorSystems over Artery TCP on 127.0.0.1, large-message lane.</li>
 * </ul>
 */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = "Weight-plane bandwidth against memcpy and Artery; prints one JSON object.")
public final class WeightsBench implements Callable<Integer> {

    @Option(names = "--mib", defaultValue = "64", description = "Snapshot size in MiB (default ${DEFAULT-VALUE}).")
    int mib;

    @Option(names = "--repeat", defaultValue = "20", description = "Timed transfers per transport (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed transfers first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() throws Exception {
        if (mib < 1 || repeat < 1 || warmup < 0) {
            throw new IllegalArgumentException("--mib and --repeat must be at least 1, --warmup at least 0");
        }
        int bytes = mib << 20;
        ByteBuffer snapshot = random(bytes);
        CRC32C c = new CRC32C();
        c.update(snapshot.duplicate());
        int crc = (int) c.getValue();
        // A dedicated transfer: the low-latency end of the idle trade-off (training parks longer; see reference.conf).
        WeightPlaneSettings defaults = WeightPlaneSettings.fromConfig(AhaConfig.load().getConfig("aha.weights"))
                .withIdle(100, java.time.Duration.ofNanos(50_000));

        log("memcpy...");
        double memcpy = memcpy(snapshot);
        boolean[] ok = {true, true, true};
        log("aeron ipc...");
        double ipc = aeron(snapshot, defaults.withTransport(WeightPlaneSettings.Transport.IPC, 0, 0), ok, 0);
        log("aeron udp...");
        double udp = aeron(snapshot, defaults.withTransport(WeightPlaneSettings.Transport.UDP,
                defaults.dataPort(), defaults.controlPort()), ok, 1);
        log("artery...");
        double artery = artery(snapshot, crc, ok);

        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("mib", mib);
        out.put("repeat", repeat);
        out.put("memcpy_gbps", round(memcpy));
        out.put("aeron_ipc_gbps", round(ipc));
        out.put("aeron_udp_gbps", round(udp));
        out.put("artery_gbps", round(artery));
        out.put("ipc_over_memcpy", round(ipc / memcpy));
        out.put("ipc_over_artery", round(ipc / artery));
        out.put("udp_over_artery", round(udp / artery));
        out.put("crc_ok", ok[0] && ok[1] && ok[2]);
        ObjectNode s = out.putObject("settings");
        s.put("mtu", defaults.mtu());
        s.put("term_length", defaults.termLength());
        s.put("receiver_window", defaults.receiverWindow());
        s.put("socket_buffer", defaults.socketBuffer());
        s.put("idle_spins", defaults.idleSpins());
        s.put("max_idle_park_ns", defaults.maxIdlePark().toNanos());
        s.put("artery_chunk", ArteryTransfer.CHUNK);
        s.put("cores", Runtime.getRuntime().availableProcessors());
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
        return ok[0] && ok[1] && ok[2] ? 0 : 1;
    }

    private double memcpy(ByteBuffer snapshot) {
        ByteBuffer target = ByteBuffer.allocateDirect(snapshot.remaining());
        double[] gbps = new double[repeat];
        for (int i = -warmup; i < repeat; i++) {
            target.clear();
            long t0 = System.nanoTime();
            target.put(snapshot.duplicate());
            long t = System.nanoTime() - t0;
            if (i >= 0) {
                gbps[i] = Stats.gbps(snapshot.remaining(), t);
            }
        }
        return Stats.median(gbps);
    }

    private double aeron(ByteBuffer snapshot, WeightPlaneSettings s, boolean[] ok, int slot) throws Exception {
        // The listener records the arrival time itself; the main thread blocks (never spins: on 2 cores a spinning
        // waiter would take the core the sender or the receiver needs).
        java.util.concurrent.BlockingQueue<long[]> arrivals = new java.util.concurrent.LinkedBlockingQueue<>();
        try (EmbeddedDriver driver = EmbeddedDriver.launch("bench", s);
                WeightSubscriber sub = new WeightSubscriber(driver.aeron(), s, "bench", "127.0.0.1",
                        snapshot.remaining(), (version, received) ->
                                // CRC32C already verified by the subscriber when it calls this
                                arrivals.add(new long[] {version, System.nanoTime()}));
                WeightPublisher pub = new WeightPublisher(driver.aeron(), s)) {
            double[] gbps = new double[repeat];
            for (int i = -warmup - 1; i < repeat; i++) {
                long version = i + warmup + 2;
                long t0 = System.nanoTime();
                pub.publish(version, snapshot.duplicate());
                long[] arrival;
                do {
                    arrival = arrivals.poll(60, TimeUnit.SECONDS);
                    if (arrival == null) {
                        throw new IllegalStateException(s.transport() + ": version " + version + " never arrived");
                    }
                } while (arrival[0] < version);
                if (i >= 0) {
                    gbps[i] = Stats.gbps(snapshot.remaining(), arrival[1] - t0);
                }
            }
            ok[slot] = sub.rejected() == 0; // the subscriber hands on only CRC-verified snapshots and counts rejects
            return Stats.median(gbps);
        }
    }

    private double artery(ByteBuffer snapshot, int crc, boolean[] ok) throws Exception {
        try (ArteryTransfer artery = new ArteryTransfer(snapshot.remaining())) {
            double[] gbps = new double[repeat];
            for (int i = -warmup; i < repeat; i++) {
                long t0 = System.nanoTime();
                boolean good = artery.send(snapshot.duplicate(), crc);
                long t = System.nanoTime() - t0;
                ok[2] &= good;
                if (i >= 0) {
                    gbps[i] = Stats.gbps(snapshot.remaining(), t);
                }
            }
            return Stats.median(gbps);
        }
    }

    private static ByteBuffer random(int bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(1);
        while (b.remaining() >= 8) {
            b.putLong(r.nextLong());
        }
        return b.flip();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void log(String what) {
        System.err.println("aha bench weights: " + what);
    }
}
