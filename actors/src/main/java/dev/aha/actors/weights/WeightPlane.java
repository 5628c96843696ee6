package dev.aha.actors.weights;

import java.nio.ByteBuffer;

/**
 * How the learner's weights reach the rollouts: never as actor messages. The learner publishes each new version's
 * flat snapshot once; every subscriber receives it into a buffer of its own and is told only when it is complete.
 */
public interface WeightPlane extends AutoCloseable {

    /** Publishes {@code version}; the caller may reuse {@code flat} when this returns. */
    void publish(long version, ByteBuffer flat);

    /**
     * Subscribes to every version published from now on; a subscriber that joins late receives the current one.
     *
     * @param byteLength the snapshot size the subscriber preallocates for
     */
    AutoCloseable subscribe(String name, int byteLength, WeightListener listener);

    @Override
    void close();
}
