package dev.aha.protocol.weights;

import java.nio.ByteBuffer;

/**
 * Told on the subscriber's thread when a complete snapshot with a matching CRC32C is ready. The buffer is a
 * read-only view of the subscriber's assembly buffer and valid only until this returns: copy or import it.
 */
@FunctionalInterface
public interface WeightListener {
    void onReady(long version, ByteBuffer snapshot);
}
