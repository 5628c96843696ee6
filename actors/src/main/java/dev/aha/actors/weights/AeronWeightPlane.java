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
 * node); each subscription copies a verified snapshot out of the subscriber's assembly buffer before handing it on,
 * because actors use it after the subscriber's thread has moved on.
 */
public final class AeronWeightPlane implements WeightPlane {

    private final WeightPlaneSettings settings;
    private final String localHost;
    private final EmbeddedDriver driver;
    private final List<WeightSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private WeightPublisher publisher;

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
    public AutoCloseable subscribe(String name, int byteLength, WeightListener listener) {
        WeightSubscriber s = new WeightSubscriber(driver.aeron(), settings, name, localHost, byteLength,
                (version, snapshot) -> listener.onReady(version, copy(snapshot)));
        subscribers.add(s);
        return () -> {
            subscribers.remove(s);
            s.close();
        };
    }

    private static ByteBuffer copy(ByteBuffer snapshot) {
        ByteBuffer c = ByteBuffer.allocateDirect(snapshot.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(snapshot.duplicate()).flip();
        return c;
    }

    @Override
    public synchronized void close() {
        subscribers.forEach(WeightSubscriber::close);
        subscribers.clear();
        if (publisher != null) {
            publisher.close();
        }
        driver.close();
    }
}
