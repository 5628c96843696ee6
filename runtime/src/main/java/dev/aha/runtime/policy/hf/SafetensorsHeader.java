package dev.aha.runtime.policy.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file, read and checked as untrusted input. The format: 8 bytes little-endian header
 * length N, N bytes of UTF-8 JSON {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
 * {string: string}}}, then the data section, offsets relative to its start. Checked, as the reference
 * implementation (safetensors-rs) checks: N within the file and under 100 MB, known dtypes, each tensor's byte count
 * equal to its shape times its element size, and the tensors tiling the data section exactly (no gap, no overlap, no
 * trailing bytes). All sizes are {@code long}: files and tensors may exceed 2 GB.
 */
public final class SafetensorsHeader {

    /** safetensors-rs refuses larger headers; a real one is a few hundred bytes per tensor. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** One tensor's entry; {@code begin}/{@code end} are absolute file positions. */
    public record Entry(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {

        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public long byteCount() {
            return end - begin;
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsHeader(Path file, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.entries = Collections.unmodifiableMap(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public Path file() {
        return file;
    }

    /** Tensors in the file's data order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** Reads and checks the header of {@code file} through {@code channel}. */
    public static SafetensorsHeader read(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw corrupt(file, "is " + size + " bytes long, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0, file);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES) {
            throw corrupt(file, "declares a header of " + headerLength + " bytes (must be 1.." + MAX_HEADER_BYTES + ")");
        }
        if (headerLength > size - 8) {
            throw corrupt(file, "declares a header of " + headerLength + " bytes, past the end of the " + size
                    + "-byte file");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8, file);
        JsonNode root;
        try {
            root = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HfFormatException("safetensors file " + file + ": header is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        return new SafetensorsHeader(file, parseEntries(root, file, dataStart, size - dataStart),
                parseMetadata(root.get(METADATA), file));
    }

    private static Map<String, Entry> parseEntries(JsonNode root, Path file, long dataStart, long dataSize) {
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!field.getKey().equals(METADATA)) {
                list.add(parseEntry(field.getKey(), field.getValue(), file, dataStart));
            }
        }
        list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        // The tensors must tile the data section: each starts where the previous ended.
        long expected = dataStart;
        Entry previous = null;
        for (Entry e : list) {
            if (e.begin() < expected) {
                throw corrupt(file, "tensor " + e.name() + " (bytes " + (e.begin() - dataStart) + ".."
                        + (e.end() - dataStart) + ") overlaps tensor " + previous.name() + " (bytes "
                        + (previous.begin() - dataStart) + ".." + (previous.end() - dataStart) + ")");
            }
            if (e.begin() > expected) {
                throw corrupt(file, "tensor " + e.name() + " starts at byte " + (e.begin() - dataStart)
                        + " of the data, leaving a gap after byte " + (expected - dataStart));
            }
            if (e.end() - dataStart > dataSize) {
                throw corrupt(file, "tensor " + e.name() + " ends at byte " + (e.end() - dataStart)
                        + ", past the end of the " + dataSize + "-byte data section");
            }
            expected = e.end();
            previous = e;
        }
        if (expected - dataStart != dataSize) {
            throw corrupt(file, "tensors cover " + (expected - dataStart) + " bytes of a " + dataSize
                    + "-byte data section (trailing bytes)");
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : list) {
            byName.put(e.name(), e);
        }
        return byName;
    }

    private static Entry parseEntry(String name, JsonNode node, Path file, long dataStart) {
        if (!node.isObject()) {
            throw corrupt(file, "entry " + name + " is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw corrupt(file, "tensor " + name + " has no dtype");
        }
        SafetensorsDType dtype = SafetensorsDType.byName(dtypeNode.asText());
        if (dtype == null) {
            throw corrupt(file, "tensor " + name + " has unknown dtype '" + dtypeNode.asText() + "'");
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw corrupt(file, "tensor " + name + " has no shape array");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw corrupt(file, "tensor " + name + " has an invalid shape " + shapeNode);
            }
            shape[i] = d.asLong();
            elements = multiply(elements, shape[i], name, file);
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw corrupt(file, "tensor " + name + " has no valid data_offsets [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw corrupt(file, "tensor " + name + " has data_offsets " + offsets + " (need 0 <= begin <= end)");
        }
        long bytes = multiply(elements, dtype.bytes(), name, file);
        if (end - begin != bytes) {
            throw corrupt(file, "tensor " + name + " is " + dtype + " " + Arrays.toString(shape) + " = "
                    + bytes + " bytes, but its data_offsets " + offsets + " span " + (end - begin));
        }
        if (end > Long.MAX_VALUE - dataStart) {
            throw corrupt(file, "tensor " + name + " has data_offsets " + offsets + " beyond any file size");
        }
        return new Entry(name, dtype, shape, dataStart + begin, dataStart + end);
    }

    private static Map<String, String> parseMetadata(JsonNode node, Path file) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return metadata;
        }
        if (!node.isObject()) {
            throw corrupt(file, "__metadata__ is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw corrupt(file, "__metadata__ value of " + field.getKey() + " is not a string");
            }
            metadata.put(field.getKey(), field.getValue().asText());
        }
        return metadata;
    }

    private static long multiply(long a, long b, String name, Path file) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw corrupt(file, "tensor " + name + " has a shape whose size overflows");
        }
    }

    static void readFully(FileChannel channel, ByteBuffer target, long position, Path file) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw corrupt(file, "ends at byte " + at + " while reading");
            }
            at += n;
        }
    }

    private static HfFormatException corrupt(Path file, String what) {
        return new HfFormatException("safetensors file " + file + ": " + what);
    }
}
