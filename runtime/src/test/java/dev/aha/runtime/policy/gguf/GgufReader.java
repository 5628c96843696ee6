package dev.aha.runtime.policy.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a GGUF file back for the tests, independently of the writer: written from the format's description
 * (ggml's docs/gguf.md), it checks magic, version, every key-value, tensor infos, alignment and data offsets, and
 * hands each tensor's raw bytes. Every value type of the format is read, so an unexpected type shows up as a
 * value rather than a parse failure.
 */
public final class GgufReader {

    /** One tensor: dims in ggml order (innermost first), ggml type id, absolute file offset of its bytes. */
    public record TensorInfo(String name, long[] dims, int type, long relativeOffset, long fileOffset) {

        public long elementCount() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    public final int version;
    public final Map<String, Object> metadata = new LinkedHashMap<>();
    public final Map<String, Integer> metadataTypes = new LinkedHashMap<>();
    public final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    public final int alignment;
    public final long dataStart;
    public final long fileSize;
    private final ByteBuffer file;

    private GgufReader(ByteBuffer file) {
        this.file = file;
        this.fileSize = file.capacity();
        byte[] magic = new byte[4];
        file.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("GGUF")) {
            throw new IllegalStateException("not a GGUF file: magic " + new String(magic, StandardCharsets.US_ASCII));
        }
        version = file.getInt();
        long tensorCount = file.getLong();
        long kvCount = file.getLong();
        for (long i = 0; i < kvCount; i++) {
            String key = string();
            int type = file.getInt();
            metadataTypes.put(key, type);
            metadata.put(key, value(type));
        }
        Object align = metadata.get("general.alignment");
        alignment = align == null ? 32 : ((Number) align).intValue();
        List<Object[]> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = string();
            int dims = file.getInt();
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = file.getLong();
            }
            infos.add(new Object[] {name, shape, file.getInt(), file.getLong()});
        }
        dataStart = (file.position() + alignment - 1) / alignment * alignment;
        for (Object[] info : infos) {
            long rel = (Long) info[3];
            tensors.put((String) info[0], new TensorInfo((String) info[0], (long[]) info[1], (Integer) info[2], rel,
                    dataStart + rel));
        }
    }

    public static GgufReader read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            return new GgufReader(bytes.order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    /** The {@code count} bytes of a tensor's data, little-endian. */
    public ByteBuffer data(String tensor, long count) {
        TensorInfo info = tensors.get(tensor);
        if (info == null) {
            throw new IllegalArgumentException("no tensor " + tensor + " among " + tensors.keySet());
        }
        return file.duplicate().position(Math.toIntExact(info.fileOffset())).limit(
                Math.toIntExact(info.fileOffset() + count)).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A float32 tensor's values. */
    public float[] floats(String tensor) {
        TensorInfo info = tensors.get(tensor);
        float[] out = new float[Math.toIntExact(info.elementCount())];
        data(tensor, out.length * 4L).asFloatBuffer().get(out);
        return out;
    }

    private String string() {
        byte[] b = new byte[Math.toIntExact(file.getLong())];
        file.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private Object value(int type) {
        return switch (type) {
            case 0 -> file.get() & 0xff;
            case 1 -> (int) file.get();
            case 2 -> file.getShort() & 0xffff;
            case 3 -> (int) file.getShort();
            case 4 -> file.getInt() & 0xffffffffL;
            case 5 -> file.getInt();
            case 6 -> file.getFloat();
            case 7 -> {
                byte b = file.get();
                if (b != 0 && b != 1) {
                    throw new IllegalStateException("bool byte " + b);
                }
                yield b == 1;
            }
            case 8 -> string();
            case 9 -> {
                int itemType = file.getInt();
                long n = file.getLong();
                List<Object> items = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    items.add(value(itemType));
                }
                yield items;
            }
            case 10 -> file.getLong();
            case 11 -> file.getLong();
            case 12 -> file.getDouble();
            default -> throw new IllegalStateException("unknown GGUF value type " + type);
        };
    }
}
