package dev.aha.actors.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subscribers in the publisher's own JVM, each handed a copy of every version. Used by unit tests of the actors;
 * runs that cross a process boundary use the Aeron plane.
 */
public final class InProcessWeightPlane implements WeightPlane {

    private final Map<String, WeightListener> listeners = new ConcurrentHashMap<>();
    private volatile ByteBuffer current;
    private volatile long currentVersion = -1;

    @Override
    public synchronized void publish(long version, ByteBuffer flat) {
        ByteBuffer kept = copy(flat);
        current = kept;
        currentVersion = version;
        listeners.values().forEach(l -> l.onReady(version, copy(kept)));
    }

    @Override
    public synchronized AutoCloseable subscribe(String name, int byteLength, WeightListener listener) {
        listeners.put(name, listener);
        if (current != null) {
            listener.onReady(currentVersion, copy(current));
        }
        return () -> listeners.remove(name);
    }

    private static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer c = ByteBuffer.allocateDirect(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(source.duplicate()).flip();
        return c;
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
