package dev.aha.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.protocol.weights.Bf16;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.protocol.weights.WireDtype;
import dev.aha.runtime.config.AhaConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aha bench weights}: how fast a float32 weight image reaches a subscriber, against memcpy and against Pekko
 * messages over Artery, all measured in this one run (medians after warm-up). Each transfer is timed end to end:
 * from the publish call until the subscriber's listener holds the whole float32 image with the CRC32C of what crossed
 * the wire verified. Rates are float32 image bytes per second, whatever the wire dtype (with bf16 half as many bytes
 * cross the wire, and the time includes narrowing on the publisher and widening on the subscriber).
 *
 * <ul>
 *   <li>memcpy: one copy of the image between two preallocated direct images;</li>
 *   <li>aeron_ipc: the weight plane over IPC through this JVM's embedded media driver;</li>
 *   <li>aeron_udp: the same over UDP on 127.0.0.1 (MTU 65504, socket buffers as configured);</li>
 *   <li>artery: 1 MiB byte[] messages between two ActorSystems over Artery TCP on 127.0.0.1, large-message lane
 *       (always float32: the baseline).</li>
 * </ul>
 *
 * Images may pass 2 GiB ({@code --mib 2100}). The JVM then needs direct memory for about four images at once (the
 * source, the subscriber's receive buffer, the snapshot just handed over, Artery's target): set
 * {@code AHA_JAVA_OPTS=-XX:MaxDirectMemorySize=...} if the heap default (a quarter of RAM) is short of that.
 */
@Command(name = "weights", mixinStandardHelpOptions = true,
        description = {"Weight-plane bandwidth against memcpy and Artery.", "Prints one JSON object."})
public final class WeightsBench implements Callable<Integer> {

    @Option(names = "--mib", defaultValue = "64", description = "Float32 image size in MiB; over 2048 works "
            + "(default ${DEFAULT-VALUE}).")
    int mib;

    @Option(names = "--repeat", defaultValue = "20", description = "Timed transfers per transport (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed transfers first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--wire-dtype", defaultValue = "f32", converter = WireDtypeConverter.class,
            description = "How the image crosses the Aeron plane: f32 or bf16 (default ${DEFAULT-VALUE}).")
    WireDtype wireDtype;

    static final class WireDtypeConverter implements picocli.CommandLine.ITypeConverter<WireDtype> {
        @Override
        public WireDtype convert(String value) {
            return WireDtype.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (mib < 1 || repeat < 1 || warmup < 0) {
            throw new IllegalArgumentException("--mib and --repeat must be at least 1, --warmup at least 0");
        }
        long bytes = (long) mib << 20;
        FlatWeights image = random(bytes);
        int crc = image.crc32c();
        // A dedicated transfer: the low-latency end of the idle trade-off (training parks longer; see reference.conf).
        WeightPlaneSettings defaults = WeightPlaneSettings.fromConfig(AhaConfig.load().getConfig("aha.weights"))
                .withIdle(100, Duration.ofNanos(50_000)).withWireDtype(wireDtype);

        log("memcpy...");
        double memcpy = memcpy(image);
        boolean[] ok = {true, true, true};
        log("aeron ipc (" + wireDtype.configName() + ")...");
        double ipc = aeron(image, defaults.withTransport(WeightPlaneSettings.Transport.IPC, 0, 0), ok, 0);
        log("aeron udp (" + wireDtype.configName() + ")...");
        double udp = aeron(image, defaults.withTransport(WeightPlaneSettings.Transport.UDP,
                defaults.dataPort(), defaults.controlPort()), ok, 1);
        log("artery...");
        double artery = artery(image, crc, ok);

        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("mib", mib);
        out.put("wire_dtype", wireDtype.configName());
        out.put("wire_mib", wireDtype.wireBytes(bytes) / (double) (1 << 20));
        out.put("repeat", repeat);
        out.put("memcpy_gbps", round(memcpy));
        out.put("aeron_ipc_gbps", round(ipc));
        out.put("aeron_udp_gbps", round(udp));
        out.put("artery_gbps", round(artery));
        out.put("ipc_over_memcpy", round(ipc / memcpy));
        out.put("ipc_over_artery", round(ipc / artery));
        out.put("udp_over_artery", round(udp / artery));
        if (wireDtype == WireDtype.BF16) {
            log("bf16 narrowing and widening...");
            bf16Rates(image, out);
        }
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
        out.set("blas", BlasSection.json());
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(out));
        return ok[0] && ok[1] && ok[2] ? 0 : 1;
    }

    private double memcpy(FlatWeights image) {
        return Stats.median(PlaneTimer.gbps(image.size(), PlaneTimer.memcpy(image, warmup, repeat)));
    }

    private double aeron(FlatWeights image, WeightPlaneSettings s, boolean[] ok, int slot) throws Exception {
        PlaneTimer.Result r = PlaneTimer.aeron(image, s, warmup, repeat);
        ok[slot] = r.clean();
        return Stats.median(PlaneTimer.gbps(image.size(), r.seconds()));
    }

    private double artery(FlatWeights image, int crc, boolean[] ok) throws Exception {
        try (ArteryTransfer artery = new ArteryTransfer(image.size())) {
            double[] gbps = new double[repeat];
            for (int i = -warmup; i < repeat; i++) {
                long t0 = System.nanoTime();
                boolean good = artery.send(image, crc);
                long t = System.nanoTime() - t0;
                ok[2] &= good;
                if (i >= 0) {
                    gbps[i] = Stats.gbps(image.size(), t);
                }
            }
            return Stats.median(gbps);
        }
    }

    /** The publisher's narrowing and the subscriber's widening alone, in float32 image bytes per second. */
    private void bf16Rates(FlatWeights image, ObjectNode out) {
        FlatWeights narrow = FlatWeights.allocate(image.size() / 2);
        int n = Math.max(3, Math.min(repeat, 10));
        double[] down = new double[n];
        double[] up = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Bf16.narrow(image, narrow);
            long t1 = System.nanoTime();
            Bf16.widen(narrow, image); // the source becomes its bf16 rounding: measured last, on purpose
            long t2 = System.nanoTime();
            down[i] = Stats.gbps(image.size(), t1 - t0);
            up[i] = Stats.gbps(image.size(), t2 - t1);
        }
        out.put("bf16_narrow_gbps", round(Stats.median(down)));
        out.put("bf16_widen_gbps", round(Stats.median(up)));
    }

    private static FlatWeights random(long bytes) {
        FlatWeights w = FlatWeights.allocate(bytes);
        Random r = new Random(1);
        for (int s = 0; s < w.segmentCount(); s++) {
            ByteBuffer b = w.segment(s);
            while (b.remaining() >= 8) {
                b.putLong(r.nextLong());
            }
        }
        return w;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void log(String what) {
        System.err.println("aha bench weights: " + what);
    }
}
