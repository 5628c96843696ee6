package dev.aha.actors.weights;

import dev.aha.protocol.weights.EmbeddedDriver;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.SnapshotKind;
import dev.aha.protocol.weights.SnapshotLabel;
import dev.aha.protocol.weights.WeightListener;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.protocol.weights.WeightSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weight plane over Aeron, with this JVM's own embedded media driver: IPC when the learner and the rollouts
 * share the JVM (the single-JVM run), UDP across hosts. The publisher is made on first publish (the learner's
 * node). A node receives each version once, however many rollouts it hosts: one Aeron subscriber per stream and
 * JVM, whose verified snapshot the plane copies once out of the subscriber's buffer (actors use it after the
 * subscriber's thread has moved on) and hands, as the same read-only snapshot object, to every local listener in
 * version order; nobody writes that copy again, so a listener may keep it. A listener added later gets the newest
 * version at once.
 *
 * <p>Under LoRA two streams run side by side: the data stream carries the base (published once; the publisher
 * resends it to a node that joins later) and the adapter stream each version's adapters. A LoRA listener is told of
 * both, a late one the newest base and then the newest adapters.
 */
public final class AeronWeightPlane implements WeightPlane {

    private static final Logger LOG = LoggerFactory.getLogger(AeronWeightPlane.class);

    private final EmbeddedDriver driver;
    private final PlaneStream main;
    private final PlaneStream adapters;
    private final List<Listener> listeners = new ArrayList<>();

    private record Listener(String name, WeightListener listener) {}

    /** @param localHost this node's interface, where UDP subscribers receive */
    public AeronWeightPlane(WeightPlaneSettings settings, String localHost, String name) {
        this.driver = EmbeddedDriver.launch(name, settings);
        this.main = new PlaneStream(driver.aeron(), settings, localHost);
        this.adapters = new PlaneStream(driver.aeron(), settings.forAdapters(), localHost);
    }

    @Override
    public synchronized void publish(long version, FlatWeights image) {
        publish(version, image, SnapshotLabel.full());
    }

    @Override
    public synchronized void publish(long version, FlatWeights image, SnapshotLabel label) {
        (label.kind() == SnapshotKind.LORA_ADAPTERS ? adapters : main).publish(version, image, label);
    }

    @Override
    public AutoCloseable subscribe(String name, long byteLength, WeightListener listener) {
        return subscribe(name, byteLength, 0, listener);
    }

    @Override
    public synchronized AutoCloseable subscribe(String name, long byteLength, long adapterBytes,
            WeightListener listener) {
        boolean lora = adapterBytes > 0;
        // A rollout over the learner's own base (aha.lora.rollout-apply = shared) takes adapters alone: no receive
        // buffer the size of the model for a base that never comes.
        if (byteLength > 0 || !lora) {
            main.subscribe(name, lora ? SnapshotKind.LORA_BASE : SnapshotKind.FULL, byteLength,
                    s -> onReady(main, s));
        }
        if (lora) {
            adapters.subscribe(name + "-adapters", SnapshotKind.LORA_ADAPTERS, adapterBytes, s -> onReady(adapters, s));
        }
        Listener l = new Listener(name, listener);
        listeners.add(l);
        for (PlaneStream stream : List.of(main, adapters)) {
            if (stream.latest() != null) {
                tell(l, stream.latest());
            }
        }
        return () -> unsubscribe(l);
    }

    private synchronized void unsubscribe(Listener l) {
        listeners.remove(l);
    }

    /**
     * On a subscriber's thread, once per verified version, with the plane's own copy. Telling the listeners under
     * the lock keeps each one's versions in order against {@link #subscribe} handing a newcomer the latest.
     */
    private synchronized void onReady(PlaneStream stream, WeightSnapshot snapshot) {
        if (!stream.subscribed()) {
            return; // closed
        }
        stream.received(snapshot);
        for (Listener l : listeners) {
            tell(l, snapshot);
        }
    }

    /** One listener's failure is its own: the others still get the version. */
    private static void tell(Listener l, WeightSnapshot snapshot) {
        try {
            l.listener().onReady(snapshot);
        } catch (RuntimeException e) {
            LOG.error("weight listener {} failed on {} of version {}", l.name(), snapshot.kind().description(),
                    snapshot.version(), e);
        }
    }

    /** Closes the ends outside the lock: a receiver thread may be waiting for it in {@link #onReady}. */
    @Override
    public void close() {
        Runnable closeMain;
        Runnable closeAdapters;
        synchronized (this) {
            listeners.clear();
            closeMain = main.detach();
            closeAdapters = adapters.detach();
        }
        closeMain.run();
        closeAdapters.run();
        driver.close();
    }
}
