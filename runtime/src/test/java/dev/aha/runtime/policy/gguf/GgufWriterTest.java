package dev.aha.runtime.policy.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.policy.hf.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file layout, read back by an independent reader: header, key-values, tensor infos, alignment, data. */
class GgufWriterTest {

    @TempDir
    Path dir;

    @Test
    void everyPartReadsBackWhereTheFormatPutsIt() throws Exception {
        float[] a = random(3 * 5, 1); // 15 values of f32: 60 bytes, so the next tensor starts at 64
        float[] b = random(2 * 32, 2);
        float[] c = random(7, 3);
        float[] d = random(64, 4);
        GgufMetadata m = new GgufMetadata()
                .putString("general.architecture", "qwen3")
                .putUint32("qwen3.block_count", 2)
                .putUint32("big", 0xffffffffL)
                .putFloat32("eps", 1e-6)
                .putBool("yes", true)
                .putStrings("names", List.of("a", "ü", ""))
                .putInt32s("types", new int[] {1, -3, 5});
        List<GgufWriter.Tensor> tensors = List.of(
                tensor("a", new long[] {3, 5}, GgmlType.F32, a),
                tensor("b", new long[] {2, 32}, GgmlType.Q8_0, b),
                tensor("c", new long[] {7}, GgmlType.F16, c),
                tensor("d", new long[] {4, 16}, GgmlType.BF16, d));
        Path file = GgufWriter.write(dir.resolve("m.gguf"), m, tensors);

        assertEquals(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain"))),
                Files.getPosixFilePermissions(file), "a plain file's permissions: a server of another user reads it");
        GgufReader r = GgufReader.read(file);
        assertEquals(3, r.version);
        assertEquals(List.of("general.architecture", "qwen3.block_count", "big", "eps", "yes", "names", "types"),
                List.copyOf(r.metadata.keySet()), "keys in the order put");
        assertEquals("qwen3", r.metadata.get("general.architecture"));
        assertEquals(2L, r.metadata.get("qwen3.block_count"));
        assertEquals(4, r.metadataTypes.get("qwen3.block_count"), "UINT32");
        assertEquals(0xffffffffL, r.metadata.get("big"));
        assertEquals(1e-6f, r.metadata.get("eps"));
        assertEquals(6, r.metadataTypes.get("eps"), "FLOAT32");
        assertEquals(true, r.metadata.get("yes"));
        assertEquals(List.of("a", "ü", ""), r.metadata.get("names"));
        assertEquals(List.of(1, -3, 5), r.metadata.get("types"));

        assertEquals(32, r.alignment, "the default alignment");
        assertEquals(0, r.dataStart % 32);
        assertArrayEquals(new long[] {5, 3}, r.tensors.get("a").dims(), "ggml order: the row length first");
        assertArrayEquals(new long[] {32, 2}, r.tensors.get("b").dims());
        assertEquals(List.of(0L, 64L, 64L + 2 * 34 + 28, 64L + 96 + 32),
                r.tensors.values().stream().map(GgufReader.TensorInfo::relativeOffset).toList(),
                "each tensor starts at the next multiple of 32 after the one before");
        assertEquals(List.of(0, 8, 1, 30), r.tensors.values().stream().map(GgufReader.TensorInfo::type).toList());
        assertEquals(r.dataStart + 64 + 96 + 32 + 128, r.fileSize, "the last tensor is padded too");

        assertArrayEquals(a, r.floats("a"));
        ByteBuffer q = r.data("b", 68);
        ByteBuffer expected = ByteBuffer.allocate(68).order(ByteOrder.LITTLE_ENDIAN);
        TensorEncoder.encode(GgmlType.Q8_0, FloatBuffer.wrap(b), expected);
        assertEquals(expected.flip(), q);
        ByteBuffer halves = r.data("c", 14);
        for (int i = 0; i < c.length; i++) {
            assertEquals(HalfFloats.floatToF16(c[i]), halves.getShort(2 * i));
        }
        ByteBuffer brains = r.data("d", 128);
        for (int i = 0; i < d.length; i++) {
            assertEquals(HalfFloats.floatToBf16(d[i]), brains.getShort(2 * i));
        }
    }

    @Test
    void aLargerAlignmentInTheMetadataIsHonoured() throws Exception {
        GgufMetadata m = new GgufMetadata().putUint32(GgufWriter.ALIGNMENT_KEY, 64);
        Path file = GgufWriter.write(dir.resolve("a.gguf"), m, List.of(
                tensor("x", new long[] {3}, GgmlType.F32, random(3, 1)),
                tensor("y", new long[] {3}, GgmlType.F32, random(3, 2))));
        GgufReader r = GgufReader.read(file);
        assertEquals(64, r.alignment);
        assertEquals(0, r.dataStart % 64);
        assertEquals(64, r.tensors.get("y").relativeOffset());
    }

    @Test
    void refusals() throws Exception {
        Path existing = Files.writeString(dir.resolve("there.gguf"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GgufWriter.write(existing, new GgufMetadata(), List.of()));
        assertTrue(e.getMessage().endsWith("there.gguf exists: give a new file name"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> tensor("w", new long[] {2, 48}, GgmlType.Q8_0, random(96, 1)));
        assertEquals("w: rows of 48 values do not fill Q8_0 blocks of 32", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> tensor("s", new long[0], GgmlType.F32, new float[1]));
        assertEquals("s: GGUF tensors have 1 to 4 dimensions, not 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GgufMetadata().putUint32("n", -1));
        assertEquals("n = -1 does not fit an unsigned 32-bit value", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GgufMetadata().putUint32("n", 1L << 32));
        assertEquals("n = 4294967296 does not fit an unsigned 32-bit value", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GgufMetadata().putString("", "x"));
        assertEquals("a GGUF key must not be empty", e.getMessage());

        GgufMetadata odd = new GgufMetadata().putUint32(GgufWriter.ALIGNMENT_KEY, 24);
        e = assertThrows(IllegalArgumentException.class,
                () -> GgufWriter.write(dir.resolve("odd.gguf"), odd, List.of()));
        assertEquals("general.alignment must be a power of two (UINT32), was 24", e.getMessage());

        GgufWriter.Tensor wrong = tensor("short", new long[] {4}, GgmlType.F32, random(3, 1));
        e = assertThrows(IllegalArgumentException.class,
                () -> GgufWriter.write(dir.resolve("short.gguf"), new GgufMetadata(), List.of(wrong)));
        assertEquals("short: the source gave 3 values for a shape of 4", e.getMessage());
        assertFalse(Files.exists(dir.resolve("short.gguf")), "no file under the target's name");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(existing), left.toList(), "and no temporary file left behind");
        }
    }

    private static GgufWriter.Tensor tensor(String name, long[] shape, GgmlType type, float[] values) {
        return new GgufWriter.Tensor(name, shape, type, use -> use.accept(FloatBuffer.wrap(values)));
    }

    private static float[] random(int n, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
