package dev.aha.actors.weights;

import java.nio.ByteBuffer;

/** Told when a complete, verified snapshot is ready; the buffer is the listener's until it returns it. */
@FunctionalInterface
public interface WeightListener {
    void onReady(long version, ByteBuffer weights);
}
