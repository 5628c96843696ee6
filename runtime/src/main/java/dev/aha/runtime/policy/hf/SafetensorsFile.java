package dev.aha.runtime.policy.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One open safetensors file: its checked header, and tensors read as little-endian float32 whatever their stored
 * float type. Reads go through a {@link FileChannel} at {@code long} positions, in bounded chunks (F32 into
 * native memory: straight into the target), and a tensor may be read a range of elements at a time, so neither the
 * file nor one tensor needs to fit a single buffer.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Bytes of the stored type read per system call: large enough to stream, small enough to stay cheap. */
    private static final int CHUNK_BYTES = 8 << 20;

    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
    }

    /** Opens {@code path} and checks its header; fails with {@link HfFormatException} if it is corrupt. */
    public static SafetensorsFile open(Path path) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            return new SafetensorsFile(path, channel, SafetensorsHeader.read(channel, path));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("could not read safetensors file " + path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** The entry named {@code name}, or null. */
    public SafetensorsHeader.Entry entry(String name) {
        return header.entries().get(name);
    }

    /**
     * Writes tensor {@code name} into {@code target} as little-endian float32 (exact widening from F16 and BF16).
     * {@code target} must have exactly {@code elements * 4} bytes remaining; its position advances past them.
     */
    public void readFloat32(String name, ByteBuffer target) {
        long need = floatEntry(name).elementCount() * Float.BYTES;
        if (target.remaining() != need) {
            throw new IllegalArgumentException("tensor " + name + " " + Arrays.toString(entry(name).shape())
                    + " needs " + need + " float32 bytes, the target has " + target.remaining());
        }
        readFloat32(name, 0, target);
    }

    /**
     * Writes elements {@code firstElement ..} of tensor {@code name} (in row-major order), as many as {@code target}
     * has room for as float32, into {@code target}; its position advances past them. A tensor larger than one buffer
     * is read this way, a piece at a time.
     */
    public void readFloat32(String name, long firstElement, ByteBuffer target) {
        SafetensorsHeader.Entry e = floatEntry(name);
        long count = target.remaining() / Float.BYTES;
        if (target.remaining() % Float.BYTES != 0 || firstElement < 0 || firstElement + count > e.elementCount()) {
            throw new IllegalArgumentException("tensor " + name + " " + Arrays.toString(e.shape()) + " has "
                    + e.elementCount() + " elements, not " + target.remaining() + " float32 bytes from element "
                    + firstElement);
        }
        long from = e.begin() + firstElement * e.dtype().bytes();
        long to = from + count * e.dtype().bytes();
        ByteBuffer out = target.slice().order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (e.dtype() == SafetensorsDType.F32 && out.isDirect()) {
                // the file's bytes are the target's: read them in place, no staging chunk
                SafetensorsHeader.readFully(channel, out, from, path);
            } else {
                ByteBuffer chunk = ByteBuffer.allocateDirect((int) Math.min(CHUNK_BYTES, Math.max(to - from, 1)))
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (long at = from; at < to; ) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), to - at));
                    SafetensorsHeader.readFully(channel, chunk, at, path);
                    at += chunk.limit();
                    chunk.flip();
                    convert(e.dtype(), chunk, out);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("could not read tensor " + name + " from " + path, ex);
        }
        target.position(target.position() + (int) (count * Float.BYTES));
    }

    private SafetensorsHeader.Entry floatEntry(String name) {
        SafetensorsHeader.Entry e = entry(name);
        if (e == null) {
            throw new HfFormatException("safetensors file " + path + " has no tensor " + name);
        }
        if (!e.dtype().readableAsFloat32()) {
            throw new HfFormatException("safetensors file " + path + ": tensor " + name + " is " + e.dtype()
                    + "; Aha reads weights stored as F32, F16 or BF16");
        }
        return e;
    }

    /** Tensor {@code name} as a float32 array (for small tensors: tests, tools). */
    public float[] readFloats(String name) {
        SafetensorsHeader.Entry e = floatEntry(name);
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(e.elementCount() * Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        readFloat32(name, bytes);
        float[] values = new float[bytes.capacity() / Float.BYTES];
        bytes.flip().asFloatBuffer().get(values);
        return values;
    }

    private static void convert(SafetensorsDType type, ByteBuffer in, ByteBuffer out) {
        switch (type) {
            case F32 -> out.put(in);
            case BF16 -> {
                while (in.hasRemaining()) {
                    out.putFloat(HalfFloats.bf16ToFloat(in.getShort()));
                }
            }
            case F16 -> {
                while (in.hasRemaining()) {
                    out.putFloat(HalfFloats.f16ToFloat(in.getShort()));
                }
            }
            default -> throw new IllegalStateException("not a float type: " + type);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the open failed already; that error is the one to report
            }
        }
    }
}
