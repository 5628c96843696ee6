package dev.aha.runtime.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a child's output up to a byte limit. One byte past it calls {@code onOverflow} (which kills the child) and
 * stops reading: a program that prints without end costs at most the limit in memory, whatever it writes.
 */
final class BoundedOutput {

    private final byte[] bytes;
    private final boolean overflowed;

    private BoundedOutput(byte[] bytes, boolean overflowed) {
        this.bytes = bytes;
        this.overflowed = overflowed;
    }

    /** Reads until end of stream or until {@code limit} is passed; an I/O error ends the read like an end. */
    static BoundedOutput read(InputStream in, long limit, Runnable onOverflow) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                int room = (int) Math.min(n, limit - total);
                kept.write(buffer, 0, room);
                total += n;
                if (total > limit) {
                    onOverflow.run();
                    return new BoundedOutput(kept.toByteArray(), true);
                }
            }
        } catch (IOException e) {
            // The stream closes under us when the child is killed; what was read so far is the output.
        }
        return new BoundedOutput(kept.toByteArray(), false);
    }

    boolean overflowed() {
        return overflowed;
    }

    /** Decoded as UTF-8, malformed bytes replaced: the child's bytes are never trusted to be text. */
    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
