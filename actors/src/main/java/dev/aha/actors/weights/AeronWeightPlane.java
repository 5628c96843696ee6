package dev.aha.actors.weights;

import dev.aha.protocol.weights.EmbeddedDriver;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.protocol.weights.WeightListener;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.protocol.weights.WeightPublisher;
import dev.aha.protocol.weights.WeightSnapshot;
import dev.aha.protocol.weights.WeightSubscriber;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weight plane over Aeron, with this JVM's own embedded media driver: IPC when the learner and the rollouts
 * share the JVM (the single-JVM run), UDP across hosts. The publisher is made on first publish (the learner's
 * node). A node receives each version once, however many rollouts it hosts: one Aeron subscriber per JVM, whose
 * verified snapshot the plane copies once out of the subscriber's buffer (actors use it after the subscriber's
 * thread has moved on) and hands, as the same read-only snapshot object, to every local listener in version order;
 * nobody writes that copy again, so a listener may keep it. A listener added later gets the newest version at once.
 */
public final class AeronWeightPlane implements WeightPlane {

    private static final Logger LOG = LoggerFactory.getLogger(AeronWeightPlane.class);

    private final WeightPlaneSettings settings;
    private final String localHost;
    private final EmbeddedDriver driver;
    private final List<Listener> listeners = new ArrayList<>();
    private WeightSubscriber subscriber;
    private long subscribedBytes;
    private WeightPublisher publisher;
    private WeightSnapshot latest;

    private record Listener(String name, WeightListener listener) {}

    /** @param localHost this node's interface, where UDP subscribers receive */
    public AeronWeightPlane(WeightPlaneSettings settings, String localHost, String name) {
        this.settings = settings;
        this.localHost = localHost;
        this.driver = EmbeddedDriver.launch(name, settings);
    }

    @Override
    public synchronized void publish(long version, FlatWeights image) {
        if (publisher == null) {
            publisher = new WeightPublisher(driver.aeron(), settings);
        }
        publisher.publish(version, image);
    }

    @Override
    public synchronized AutoCloseable subscribe(String name, long byteLength, WeightListener listener) {
        if (subscriber != null && byteLength != subscribedBytes) {
            throw new IllegalArgumentException(name + " wants " + byteLength + "-byte weights, but this node receives "
                    + subscribedBytes + "-byte ones: every local policy must share the model");
        }
        Listener l = new Listener(name, listener);
        listeners.add(l);
        if (subscriber == null) {
            subscribedBytes = byteLength;
            subscriber = new WeightSubscriber(driver.aeron(), settings, name, localHost, byteLength, this::onReady);
        } else if (latest != null) {
            tell(l, latest);
        }
        return () -> unsubscribe(l);
    }

    private synchronized void unsubscribe(Listener l) {
        listeners.remove(l);
    }

    /**
     * On the subscriber's thread, once per verified version. Telling the listeners under the lock keeps each one's
     * versions in order against {@link #subscribe} handing a newcomer the latest.
     */
    private synchronized void onReady(WeightSnapshot received) {
        if (subscriber == null) {
            return; // closed
        }
        WeightSnapshot snapshot = new WeightSnapshot(received.version(), received.weights().copy().asReadOnly(),
                received.crc32c(), received.wireDtype());
        latest = snapshot;
        for (Listener l : listeners) {
            tell(l, snapshot);
        }
    }

    /** One listener's failure is its own: the others still get the version. */
    private static void tell(Listener l, WeightSnapshot snapshot) {
        try {
            l.listener().onReady(snapshot);
        } catch (RuntimeException e) {
            LOG.error("weight listener {} failed on version {}", l.name(), snapshot.version(), e);
        }
    }

    /** Closes the ends outside the lock: the receiver thread may be waiting for it in {@link #onReady}. */
    @Override
    public void close() {
        WeightSubscriber s;
        WeightPublisher p;
        synchronized (this) {
            listeners.clear();
            latest = null;
            s = subscriber;
            p = publisher;
            subscriber = null;
            publisher = null;
        }
        if (s != null) {
            s.close();
        }
        if (p != null) {
            p.close();
        }
        driver.close();
    }
}
