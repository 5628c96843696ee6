package dev.aha.runtime.policy.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a safetensors file from float32 tensors, stored as F32 or rounded to BF16. The header is padded with
 * spaces to a multiple of 8 bytes (as safetensors-rs writes it) so the data section stays aligned; offsets are
 * {@code long}, so the file may exceed 2 GB. Tensors stream to the channel one at a time, straight from the bytes
 * their source hands over (for a weight on the CPU, the tensor's own memory): the file never exists in memory.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_FLOATS = 1 << 20;
    /** Heap bytes go to a channel through a temporary direct buffer as large as each write: keep writes bounded. */
    private static final int HEAP_WRITE_BYTES = 8 << 20;

    private SafetensorsWriter() {}

    /**
     * Hands the tensor's float32 bytes (little-endian, exactly its element count times 4 in all) to a consumer, in
     * one buffer or, for a tensor larger than one buffer holds, in consecutive pieces.
     */
    @FunctionalInterface
    public interface Source {
        void read(Consumer<ByteBuffer> use);
    }

    /** One tensor to write. */
    public record Tensor(String name, long[] shape, Source source) {

        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /** Bytes {@code tensors} take in the data section when stored as {@code dtype}. */
    public static long dataBytes(List<Tensor> tensors, SafetensorsDType dtype) {
        long total = 0;
        for (Tensor t : tensors) {
            total = Math.addExact(total, Math.multiplyExact(t.elementCount(), dtype.bytes()));
        }
        return total;
    }

    /**
     * Writes {@code tensors}, in order, to {@code file} (replacing it).
     *
     * @param dtype F32 (bit-exact) or BF16 (rounded to nearest even)
     * @param metadata the header's {@code __metadata__}; transformers expects {@code format: pt}
     */
    public static void write(Path file, List<Tensor> tensors, SafetensorsDType dtype, Map<String, String> metadata)
            throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(out, tensors, dtype, metadata);
            out.force(true);
        }
    }

    /**
     * Writes {@code tensors}, in order, as one safetensors file to {@code out}, from its current position; forcing
     * the bytes to disk is the caller's.
     *
     * @param dtype F32 (bit-exact) or BF16 (rounded to nearest even)
     * @param metadata the header's {@code __metadata__}
     */
    public static void write(WritableByteChannel out, List<Tensor> tensors, SafetensorsDType dtype,
            Map<String, String> metadata) throws IOException {
        if (dtype != SafetensorsDType.F32 && dtype != SafetensorsDType.BF16) {
            throw new IllegalArgumentException("Aha writes weights as F32 or BF16, not " + dtype);
        }
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            long bytes = Math.multiplyExact(t.elementCount(), dtype.bytes());
            if (header.has(t.name()) || t.name().equals("__metadata__")) {
                // a second entry would replace the first and shift every offset after it
                throw new IllegalArgumentException("two tensors named " + t.name() + " (or a tensor named as the "
                        + "header's __metadata__)");
            }
            ObjectNode entry = header.putObject(t.name());
            entry.put("dtype", dtype.name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        writeFully(out, head);
        for (Tensor t : tensors) {
            long need = t.elementCount() * Float.BYTES;
            long[] given = new long[1];
            IOException[] failure = new IOException[1];
            t.source().read(bytes -> {
                given[0] += bytes.remaining();
                if (given[0] > need || failure[0] != null) {
                    return; // reported below, once the source is done
                }
                try {
                    writeTensor(out, bytes.slice().order(ByteOrder.LITTLE_ENDIAN), dtype);
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            if (given[0] != need) {
                throw new IllegalArgumentException("tensor " + t.name() + " " + Arrays.toString(t.shape())
                        + " has " + need + " float32 bytes, its source gave " + given[0]);
            }
        }
    }

    private static void writeTensor(WritableByteChannel out, ByteBuffer float32, SafetensorsDType dtype)
            throws IOException {
        if (dtype == SafetensorsDType.F32) {
            writeFully(out, float32);
            return;
        }
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_FLOATS * 2).order(ByteOrder.LITTLE_ENDIAN);
        while (float32.hasRemaining()) {
            chunk.clear();
            while (chunk.hasRemaining() && float32.hasRemaining()) {
                chunk.putShort(HalfFloats.floatToBf16(float32.getFloat()));
            }
            chunk.flip();
            writeFully(out, chunk);
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer bytes) throws IOException {
        if (!bytes.isDirect()) {
            ByteBuffer piece = bytes.duplicate();
            while (bytes.hasRemaining()) {
                piece.limit(bytes.position() + Math.min(bytes.remaining(), HEAP_WRITE_BYTES));
                while (piece.hasRemaining()) {
                    out.write(piece);
                }
                bytes.position(piece.position());
            }
            return;
        }
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }
}
