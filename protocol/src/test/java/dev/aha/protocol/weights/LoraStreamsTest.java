package dev.aha.protocol.weights;

import static dev.aha.protocol.weights.PlaneFixture.MIB;
import static dev.aha.protocol.weights.PlaneFixture.await;
import static dev.aha.protocol.weights.PlaneFixture.filled;
import static dev.aha.protocol.weights.PlaneFixture.ipc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.weights.PlaneFixture.Received;
import io.aeron.Aeron;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Under LoRA, over a real embedded driver: the base once on the data stream, each version's adapters on their own
 * stream, every snapshot labelled; a node that joins later gets the base and the current adapters; a node that
 * expects whole policies refuses the base.
 */
class LoraStreamsTest {

    private static final String BASE_SHA = "0b".repeat(32);
    private static final String LAYOUT_SHA = "1a".repeat(32);
    private static final int ADAPTER_BYTES = 64 * 1024;

    private final PlaneFixture fixture = new PlaneFixture();

    @AfterEach
    void closeAll() throws Exception {
        fixture.close();
    }

    /** A base subscriber and an adapter subscriber, as a LoRA rollout node holds them. */
    private record Node(Received base, Received adapters) {}

    private Node node(Aeron aeron, WeightPlaneSettings s, String name) {
        Node n = new Node(new Received(), new Received());
        fixture.track(new WeightSubscriber(aeron, s, name, "127.0.0.1", SnapshotKind.LORA_BASE, MIB, n.base()));
        fixture.track(new WeightSubscriber(aeron, s.forAdapters(), name + "-adapters", "127.0.0.1",
                SnapshotKind.LORA_ADAPTERS, ADAPTER_BYTES, n.adapters()));
        return n;
    }

    @Test
    void shouldCarryTheBaseOnceAndEachVersionsAdaptersToEarlyAndLateNodes() throws Exception {
        WeightPlaneSettings s = ipc();
        Aeron aeron = fixture.aeron(s);
        Node early = node(aeron, s, "early");
        Received whole = new Received();
        WeightSubscriber wholeOnly = fixture.track(new WeightSubscriber(aeron, s, "whole", "127.0.0.1", MIB, whole));
        WeightPublisher base = fixture.track(new WeightPublisher(aeron, s));
        WeightPublisher adapters = fixture.track(new WeightPublisher(aeron, s.forAdapters()));
        SnapshotLabel adapterLabel = SnapshotLabel.loraAdapters(BASE_SHA, LAYOUT_SHA);

        base.publish(0, filled(MIB, 77), SnapshotLabel.loraBase(BASE_SHA));
        for (long v = 0; v <= 2; v++) {
            adapters.publish(v, filled(ADAPTER_BYTES, v), adapterLabel);
        }
        await(() -> early.base().versions.contains(0L) && early.adapters().versions.contains(2L), 20);
        assertEquals(SnapshotLabel.loraBase(BASE_SHA), early.base().last().label());
        assertTrue(filled(MIB, 77).contentEquals(early.base().last().weights()));
        assertEquals(adapterLabel, early.adapters().last().label());
        assertEquals(WireDtype.F32, early.adapters().last().wireDtype(), "adapters always cross as float32");
        assertTrue(filled(ADAPTER_BYTES, 2).contentEquals(early.adapters().last().weights()));
        assertEquals(1, base.transfersCompleted() + base.transfersAbandoned(), "the base went out once");

        await(() -> wholeOnly.refused() == 1, 10);
        assertTrue(wholeOnly.refusal().contains("is a LoRA base, this subscriber takes a whole policy"),
                wholeOnly.refusal());
        assertTrue(whole.versions.isEmpty());

        Node late = node(aeron, s, "late");
        await(() -> late.base().versions.contains(0L) && late.adapters().versions.contains(2L), 20);
        assertTrue(filled(MIB, 77).contentEquals(late.base().last().weights()), "the base again, for the late node");
        assertTrue(filled(ADAPTER_BYTES, 2).contentEquals(late.adapters().last().weights()));
        assertEquals(0L, early.base().versions.get(early.base().versions.size() - 1));
    }

    @Test
    void shouldCarryAdaptersOverUdpBesideTheBase() throws Exception {
        WeightPlaneSettings s = PlaneFixture.settings(WeightPlaneSettings.Transport.UDP, "");
        Aeron aeron = fixture.aeron(s);
        Node node = node(aeron, s, "udp");
        fixture.track(new WeightPublisher(aeron, s)).publish(4, filled(MIB, 4), SnapshotLabel.loraBase(BASE_SHA));
        fixture.track(new WeightPublisher(aeron, s.forAdapters()))
                .publish(5, filled(ADAPTER_BYTES, 5), SnapshotLabel.loraAdapters(BASE_SHA, LAYOUT_SHA));
        await(() -> node.base().versions.contains(4L) && node.adapters().versions.contains(5L), 20);
        assertTrue(filled(ADAPTER_BYTES, 5).contentEquals(node.adapters().last().weights()));
    }
}
