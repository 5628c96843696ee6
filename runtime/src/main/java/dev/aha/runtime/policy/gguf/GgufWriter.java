package dev.aha.runtime.policy.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Writes a GGUF version 3 file (the format of ggml's gguf.h and llama.cpp's gguf-py), little-endian:
 *
 * <pre>
 *   "GGUF"  u32 version = 3  u64 tensor count  u64 key-value count
 *   key-values:   string key, u32 value type, value     (string = u64 byte length + UTF-8, no terminator)
 *   tensor infos: string name, u32 dims, u64 dim[i] (ggml order: the innermost, PyTorch's last, first),
 *                 u32 ggml type, u64 offset of its data from the start of the data section
 *   zero padding to general.alignment (32 unless the metadata says otherwise)
 *   data: each tensor's bytes, each padded with zeros to the alignment
 * </pre>
 *
 * The file is written under a temporary name beside the target and renamed into place, so a failed export never
 * leaves a half-written model under the target's name. Tensors are read and encoded one at a time.
 */
public final class GgufWriter {

    public static final int VERSION = 3;
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";
    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};

    /**
     * Hands a tensor's float32 values to {@code use}, in one buffer or in consecutive pieces of whole rows (a tensor
     * larger than one buffer holds); each buffer is valid only during its call.
     */
    @FunctionalInterface
    public interface FloatSource {
        void read(Consumer<FloatBuffer> use);
    }

    /**
     * One tensor to write.
     *
     * @param shape in PyTorch's order (rows last-but-one, row length last); written reversed, as ggml counts
     */
    public record Tensor(String name, long[] shape, GgmlType type, FloatSource source) {

        public Tensor {
            shape = shape.clone();
            if (shape.length == 0 || shape.length > 4) {
                throw new IllegalArgumentException(name + ": GGUF tensors have 1 to 4 dimensions, not "
                        + shape.length);
            }
            if (shape[shape.length - 1] % type.blockSize() != 0) {
                throw new IllegalArgumentException(name + ": rows of " + shape[shape.length - 1] + " values do not"
                        + " fill " + type + " blocks of " + type.blockSize());
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public long byteCount() {
            return type.byteCount(elementCount());
        }
    }

    private GgufWriter() {}

    /** Writes {@code tensors} with {@code metadata} to {@code target}, which must not exist. */
    public static Path write(Path target, GgufMetadata metadata, List<Tensor> tensors) {
        int alignment = alignment(metadata);
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + " exists: give a new file name");
        }
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            // not createTempFile: its owner-only permissions would keep a server running as another user (Ollama's)
            // from reading the model
            Path part = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] header = header(metadata, tensors, alignment);
                writeFully(out, ByteBuffer.wrap(header));
                for (Tensor t : tensors) {
                    long start = out.position();
                    long[] given = new long[1];
                    IOException[] failure = new IOException[1];
                    t.source().read(values -> {
                        given[0] += values.remaining();
                        if (given[0] > t.elementCount() || failure[0] != null) {
                            return; // reported below, once the source is done
                        }
                        try {
                            TensorEncoder.write(t.type(), values.duplicate(), out);
                        } catch (IOException e) {
                            failure[0] = e;
                        }
                    });
                    if (failure[0] != null) {
                        throw failure[0];
                    }
                    if (given[0] != t.elementCount()) {
                        throw new IllegalArgumentException(t.name() + ": the source gave " + given[0]
                                + " values for a shape of " + t.elementCount());
                    }
                    pad(out, out.position() - start, alignment);
                }
                out.force(true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(part);
                throw e;
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        }
    }

    private static int alignment(GgufMetadata metadata) {
        GgufMetadata.Value value = metadata.get(ALIGNMENT_KEY);
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        int alignment = value.type() == GgufMetadata.UINT32 ? (Integer) value.value() : 0;
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException(ALIGNMENT_KEY + " must be a power of two (UINT32), was "
                    + value.value());
        }
        return alignment;
    }

    /** Everything before the data section, padding included. */
    static byte[] header(GgufMetadata metadata, List<Tensor> tensors, int alignment) {
        Bytes b = new Bytes();
        b.raw(MAGIC);
        b.u32(VERSION);
        b.u64(tensors.size());
        b.u64(metadata.size());
        for (String key : metadata.keys()) {
            GgufMetadata.Value v = metadata.get(key);
            b.string(key);
            b.u32(v.type());
            value(b, v.type(), v.itemType(), v.value());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            b.string(t.name());
            long[] shape = t.shape();
            b.u32(shape.length);
            for (int i = shape.length - 1; i >= 0; i--) {
                b.u64(shape[i]);
            }
            b.u32(t.type().id());
            b.u64(offset);
            offset = align(offset + t.byteCount(), alignment);
        }
        b.raw(new byte[(int) (align(b.size(), alignment) - b.size())]);
        return b.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static void value(Bytes b, int type, int itemType, Object value) {
        switch (type) {
            case GgufMetadata.UINT32, GgufMetadata.INT32 -> b.u32((Integer) value);
            case GgufMetadata.FLOAT32 -> b.u32(Float.floatToRawIntBits((Float) value));
            case GgufMetadata.BOOL -> b.raw(new byte[] {(byte) ((Boolean) value ? 1 : 0)});
            case GgufMetadata.STRING -> b.string((String) value);
            case GgufMetadata.ARRAY -> {
                b.u32(itemType);
                if (itemType == GgufMetadata.STRING) {
                    List<String> items = (List<String>) value;
                    b.u64(items.size());
                    items.forEach(b::string);
                } else {
                    int[] items = (int[]) value;
                    b.u64(items.length);
                    for (int item : items) {
                        b.u32(item);
                    }
                }
            }
            default -> throw new IllegalStateException("no writer for GGUF value type " + type);
        }
    }

    static long align(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private static void pad(FileChannel out, long written, int alignment) throws IOException {
        int padding = (int) (align(written, alignment) - written);
        if (padding > 0) {
            writeFully(out, ByteBuffer.allocate(padding));
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /** A growing little-endian byte buffer. */
    private static final class Bytes extends ByteArrayOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Bytes() {
            super(1 << 16);
        }

        void raw(byte[] bytes) {
            write(bytes, 0, bytes.length);
        }

        void u32(int value) {
            scratch.clear();
            scratch.putInt(value);
            write(scratch.array(), 0, 4);
        }

        void u64(long value) {
            scratch.clear();
            scratch.putLong(value);
            write(scratch.array(), 0, 8);
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u64(utf8.length);
            raw(utf8);
        }
    }
}
