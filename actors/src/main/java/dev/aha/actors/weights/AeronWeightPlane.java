package dev.aha.actors.weights;

import dev.aha.protocol.weights.EmbeddedDriver;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.protocol.weights.WeightPublisher;
import dev.aha.protocol.weights.WeightSubscriber;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The weight plane over Aeron, with this JVM's own embedded media driver: IPC when the learner and the rollouts
 * share the JVM (the single-JVM run), UDP across hosts. The publisher is made on first publish (the learner's
 * node). A node receives each version once, however many rollouts it hosts: one Aeron subscriber per JVM copies a
 * verified snapshot out of its assembly buffer (actors use it after the subscriber's thread has moved on) and hands
 * the same read-only copy to every local listener; a listener added later gets the newest version at once.
 */
public final class AeronWeightPlane implements WeightPlane {

    private final WeightPlaneSettings settings;
    private final String localHost;
    private final EmbeddedDriver driver;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private WeightSubscriber subscriber;
    private WeightPublisher publisher;
    private long latestVersion = -1;
    private ByteBuffer latest;

    private record Listener(String name, WeightListener listener) {}

    /** @param localHost this node's interface, where UDP subscribers receive */
    public AeronWeightPlane(WeightPlaneSettings settings, String localHost, String name) {
        this.settings = settings;
        this.localHost = localHost;
        this.driver = EmbeddedDriver.launch(name, settings);
    }

    @Override
    public synchronized void publish(long version, ByteBuffer flat) {
        if (publisher == null) {
            publisher = new WeightPublisher(driver.aeron(), settings);
        }
        publisher.publish(version, flat);
    }

    @Override
    public synchronized AutoCloseable subscribe(String name, int byteLength, WeightListener listener) {
        Listener l = new Listener(name, listener);
        listeners.add(l);
        if (subscriber == null) {
            subscriber = new WeightSubscriber(driver.aeron(), settings, name, localHost, byteLength, this::onReady);
        } else if (latest != null) {
            listener.onReady(latestVersion, latest.duplicate());
        }
        return () -> listeners.remove(l);
    }

    /** On the subscriber's thread, once per verified version. */
    private void onReady(long version, ByteBuffer snapshot) {
        ByteBuffer shared = copy(snapshot).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        synchronized (this) {
            latestVersion = version;
            latest = shared;
        }
        for (Listener l : listeners) {
            l.listener().onReady(version, shared.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    private static ByteBuffer copy(ByteBuffer snapshot) {
        ByteBuffer c = ByteBuffer.allocateDirect(snapshot.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(snapshot.duplicate()).flip();
        return c;
    }

    @Override
    public synchronized void close() {
        listeners.clear();
        if (subscriber != null) {
            subscriber.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        driver.close();
    }
}
