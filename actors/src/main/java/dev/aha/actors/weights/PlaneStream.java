package dev.aha.actors.weights;

import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotKind;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.protocol.weights.WeightListener;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.protocol.weights.WeightPublisher;
import dev.aha.protocol.weights.WeightSnapshot;
import dev.aha.protocol.weights.WeightSubscriber;
import io.aeron.Aeron;

/**
 * One stream of the plane on one node (whole policies or LoRA bases on the data stream, adapters on theirs): its
 * publisher, made on first publish, its one subscriber and the newest verified snapshot, copied once out of the
 * subscriber's buffer. Guarded by the {@link AeronWeightPlane} that holds it.
 */
final class PlaneStream {

    private final Aeron aeron;
    private final WeightPlaneSettings settings;
    private final String localHost;
    private WeightPublisher publisher;
    private WeightSubscriber subscriber;
    private SnapshotKind kind;
    private long bytes;
    private WeightSnapshot latest;

    PlaneStream(Aeron aeron, WeightPlaneSettings settings, String localHost) {
        this.aeron = aeron;
        this.settings = settings;
        this.localHost = localHost;
    }

    void publish(long version, FlatWeights image, SnapshotLabel label) {
        if (publisher == null) {
            publisher = new WeightPublisher(aeron, settings);
        }
        publisher.publish(version, image, label);
    }

    /**
     * Subscribes this node for {@code kind} images of {@code bytes} on first call; later calls must ask for the same.
     *
     * @param onReady told of each verified version, on the subscriber's thread, with a copy of its own
     */
    void subscribe(String name, SnapshotKind kind, long bytes, WeightListener onReady) {
        if (subscriber != null) {
            if (kind != this.kind || bytes != this.bytes) {
                throw new IllegalArgumentException(name + " wants " + kind.description() + " of " + bytes + " bytes, "
                        + "but this node receives " + this.kind.description() + " of " + this.bytes + " bytes: every "
                        + "local policy must share the model and aha.lora");
            }
            return;
        }
        this.kind = kind;
        this.bytes = bytes;
        subscriber = new WeightSubscriber(aeron, settings, name, localHost, kind, bytes, received -> onReady.onReady(
                new WeightSnapshot(received.version(), received.weights().copy().asReadOnly(), received.crc32c(),
                        received.wireDtype(), received.label())));
    }

    boolean subscribed() {
        return subscriber != null;
    }

    WeightSnapshot latest() {
        return latest;
    }

    void received(WeightSnapshot snapshot) {
        latest = snapshot;
    }

    /** Closes both ends; the caller holds no lock the receiver thread may wait for. */
    static void close(WeightSubscriber s, WeightPublisher p) {
        if (s != null) {
            s.close();
        }
        if (p != null) {
            p.close();
        }
    }

    /** Hands back both ends for closing and forgets them. */
    Runnable detach() {
        WeightSubscriber s = subscriber;
        WeightPublisher p = publisher;
        subscriber = null;
        publisher = null;
        latest = null;
        return () -> close(s, p);
    }
}
