package dev.aha.actors.weights;

import java.nio.ByteBuffer;

/** Told when a complete, verified snapshot is ready; the buffer is read-only, shared by the node's listeners. */
@FunctionalInterface
public interface WeightListener {
    void onReady(long version, ByteBuffer weights);
}
