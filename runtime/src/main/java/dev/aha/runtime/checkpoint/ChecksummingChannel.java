package dev.aha.runtime.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/**
 * Passes writes through to a channel and takes the CRC32C of the bytes written on the way, so a file's checksum
 * costs no second pass over a model-sized file.
 */
final class ChecksummingChannel implements WritableByteChannel {

    private final WritableByteChannel out;
    private final CRC32C crc = new CRC32C();

    ChecksummingChannel(WritableByteChannel out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer written = src.duplicate();
        int n = out.write(src);
        written.limit(written.position() + n);
        crc.update(written);
        return n;
    }

    /** The CRC32C of every byte written so far. */
    long crc32c() {
        return crc.getValue();
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
