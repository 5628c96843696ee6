package dev.aha.actors.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotKind;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.protocol.weights.WeightSnapshot;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The node-level plane over IPC: one subscriber per JVM, one shared, keepable copy per version. */
class AeronWeightPlaneTest {

    private static final int MIB = 1 << 20;

    @Test
    void shouldHandEveryLocalListenerTheSameKeepableReadOnlyCopyInVersionOrder() throws Exception {
        WeightPlaneSettings s = WeightPlaneSettings.fromConfig(ConfigFactory.load().getConfig("aha.weights"));
        String name = "planetest";
        try (AeronWeightPlane plane = new AeronWeightPlane(s, "127.0.0.1", name)) {
            List<WeightSnapshot> a = new CopyOnWriteArrayList<>();
            List<WeightSnapshot> b = new CopyOnWriteArrayList<>();
            CountDownLatch[] arrived = {new CountDownLatch(2), new CountDownLatch(2)}; // per version, a and b
            plane.subscribe("a", MIB, snapshot -> {
                a.add(snapshot);
                arrived[(int) snapshot.version() - 1].countDown();
            });
            plane.subscribe("broken", MIB, snapshot -> {
                throw new IllegalStateException("a listener's failure is its own");
            });
            plane.subscribe("b", MIB, snapshot -> {
                b.add(snapshot);
                arrived[(int) snapshot.version() - 1].countDown();
            });
            for (int v = 1; v <= 2; v++) {
                plane.publish(v, filled(MIB, v));
                assertTrue(arrived[v - 1].await(20, TimeUnit.SECONDS), "version " + v + " reaches both listeners");
            }

            for (int i = 0; i < 2; i++) {
                assertSame(a.get(i), b.get(i), "one copy per version, shared by the node's listeners");
                assertEquals(i + 1, a.get(i).version());
                assertTrue(a.get(i).weights().isReadOnly());
            }
            assertTrue(a.get(0).weights().contentEquals(filled(MIB, 1)),
                    "a kept snapshot is never overwritten by a later version");
            assertTrue(a.get(1).weights().contentEquals(filled(MIB, 2)));

            List<WeightSnapshot> late = new CopyOnWriteArrayList<>();
            plane.subscribe("late", MIB, late::add);
            assertEquals(1, late.size(), "a listener added later gets the newest version at once");
            assertSame(a.get(1), late.get(0));
            assertThrows(IllegalArgumentException.class, () -> plane.subscribe("other-model", 2 * MIB, late::add));
        }
        File[] left = new File("/dev/shm").listFiles((dir, f) -> f.startsWith("aha-" + name + "-"
                + ProcessHandle.current().pid() + "-"));
        assertTrue(left == null || left.length == 0, "the plane's driver directory must be removed");
    }

    @Test
    void shouldHandALoraListenerTheBaseAndEachVersionsAdaptersAndALateOneBoth() throws Exception {
        WeightPlaneSettings s = WeightPlaneSettings.fromConfig(ConfigFactory.load().getConfig("aha.weights"));
        SnapshotLabel base = SnapshotLabel.loraBase("ba".repeat(32));
        SnapshotLabel adapters = SnapshotLabel.loraAdapters("ba".repeat(32), "1a".repeat(32));
        int adapterBytes = 64 * 1024;
        try (AeronWeightPlane plane = new AeronWeightPlane(s, "127.0.0.1", "loraplanetest")) {
            List<WeightSnapshot> got = new CopyOnWriteArrayList<>();
            CountDownLatch arrived = new CountDownLatch(2); // the base, and v1 (v0 may be superseded before it goes)
            plane.subscribe("rollout", MIB, adapterBytes, snapshot -> {
                got.add(snapshot);
                if (snapshot.kind() == SnapshotKind.LORA_BASE || snapshot.version() == 1) {
                    arrived.countDown();
                }
            });
            plane.publish(0, filled(MIB, 9), base);
            plane.publish(0, filled(adapterBytes, 0), adapters);
            plane.publish(1, filled(adapterBytes, 1), adapters);
            assertTrue(arrived.await(20, TimeUnit.SECONDS), "the base and the newest adapters: " + got);
            WeightSnapshot heldBase = got.stream().filter(g -> g.kind() == SnapshotKind.LORA_BASE).findFirst()
                    .orElseThrow();
            assertEquals(base, heldBase.label());
            assertTrue(heldBase.weights().contentEquals(filled(MIB, 9)));
            WeightSnapshot newest = got.stream().filter(g -> g.kind() == SnapshotKind.LORA_ADAPTERS
                    && g.version() == 1).findFirst().orElseThrow();
            assertEquals(adapters, newest.label());
            assertTrue(newest.weights().contentEquals(filled(adapterBytes, 1)));

            List<WeightSnapshot> late = new CopyOnWriteArrayList<>();
            plane.subscribe("late", MIB, adapterBytes, late::add);
            assertEquals(2, late.size(), "a listener added later gets the base, then the newest adapters");
            assertSame(heldBase, late.get(0));
            assertEquals(1, late.get(1).version());
            IllegalArgumentException whole = assertThrows(IllegalArgumentException.class,
                    () -> plane.subscribe("whole", MIB, late::add));
            assertTrue(whole.getMessage().contains("wants a whole policy of 1048576 bytes, but this node receives a "
                    + "LoRA base of 1048576 bytes"), whole.getMessage());
        }
    }

    /** An image whose every long is {@code version}. */
    private static FlatWeights filled(int bytes, long version) {
        long[] longs = new long[bytes / Long.BYTES];
        Arrays.fill(longs, version);
        ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(longs);
        return FlatWeights.wrap(b);
    }
}
