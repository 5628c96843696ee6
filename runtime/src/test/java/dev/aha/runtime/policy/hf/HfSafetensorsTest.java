package dev.aha.runtime.policy.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer, and the header checks that treat every file as untrusted input. */
class HfSafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripFloat32BitExactlyAndBf16ToNearestEven() throws IOException {
        float[] values = {0f, -0f, 1f, -2.5f, 3.14159265f, 1e-30f, -6.5e37f, Float.MIN_VALUE, 1.00390625f,
            Float.POSITIVE_INFINITY, Float.NaN};
        Path f32 = dir.resolve("a.safetensors");
        SafetensorsWriter.write(f32, List.of(tensor("x", values, 11), tensor("y", new float[] {7f, 8f}, 2, 1)),
                SafetensorsDType.F32, Map.of("format", "pt"));
        try (SafetensorsFile file = SafetensorsFile.open(f32)) {
            assertEquals("pt", file.header().metadata().get("format"));
            assertArrayEquals(new long[] {2, 1}, file.entry("y").shape());
            float[] back = read(file, "x");
            for (int i = 0; i < values.length; i++) {
                assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]), "element " + i);
            }
        }
        Path bf16 = dir.resolve("b.safetensors");
        SafetensorsWriter.write(bf16, List.of(tensor("x", values, 11)), SafetensorsDType.BF16, Map.of());
        try (SafetensorsFile file = SafetensorsFile.open(bf16)) {
            assertEquals(SafetensorsDType.BF16, file.entry("x").dtype());
            float[] back = read(file, "x");
            assertEquals(1f, back[2]);
            assertEquals(-2.5f, back[3]);
            assertEquals(3.140625f, back[4]); // nearest bfloat16
            assertEquals(1.0f, back[8]); // 1 + 2^-8 is a tie: rounds to the even 1.0
            assertEquals(Float.POSITIVE_INFINITY, back[9]);
            assertTrue(Float.isNaN(back[10]));
        }
        assertEquals(0, (Files.size(f32) - 8 - headerLength(f32)) % 4);
        assertEquals(0, headerLength(f32) % 8, "header padded to 8 bytes");
    }

    @Test
    void shouldWidenFloat16Exactly() {
        assertEquals(1f, HalfFloats.f16ToFloat((short) 0x3c00));
        assertEquals(-2f, HalfFloats.f16ToFloat((short) 0xc000));
        assertEquals(65504f, HalfFloats.f16ToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat((short) 0x0001)); // smallest subnormal
        assertEquals(0x1p-14f, HalfFloats.f16ToFloat((short) 0x0400)); // smallest normal
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7e00)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0x8000)));
    }

    @Test
    void shouldRefuseAnAbsurdHeaderLength() throws IOException {
        assertCorrupt(raw(-5, "{}"), "declares a header of -5 bytes");
        assertCorrupt(raw(1L << 40, "{}"), "declares a header of 1099511627776 bytes");
        assertCorrupt(raw(4096, "{}"), "past the end of the");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertCorrupt(tiny, "shorter than the 8-byte header length");
    }

    @Test
    void shouldRefuseOffsetsPastTheEnd() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 12);
        assertCorrupt(f, "tensor b ends at byte 24, past the end of the 12-byte data section");
    }

    @Test
    void shouldRefuseOverlappingTensors() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16);
        assertCorrupt(f, "overlaps tensor a");
    }

    @Test
    void shouldRefuseGapsAndTrailingBytes() throws IOException {
        assertCorrupt(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                "tensor a starts at byte 4 of the data, leaving a gap");
        assertCorrupt(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
                "tensors cover 4 bytes of a 8-byte data section");
    }

    @Test
    void shouldRefuseAShapeThatDoesNotMatchTheBytes() throws IOException {
        assertCorrupt(file("{\"w\":{\"dtype\":\"BF16\",\"shape\":[3,2],\"data_offsets\":[0,24]}}", 24),
                "tensor w is BF16 [3, 2] = 12 bytes, but its data_offsets [0,24] span 24");
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8),
                "tensor w has a shape whose size overflows");
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "tensor w has an invalid shape");
    }

    @Test
    void shouldRefuseMalformedHeaders() throws IOException {
        assertCorrupt(file("{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor w has unknown dtype 'F33'");
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4),
                "need 0 <= begin <= end");
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor w has no valid data_offsets");
        assertCorrupt(file("[1,2]", 0), "header is not a JSON object");
        assertCorrupt(file("{\"w\": ", 0), "header is not valid JSON");
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "Duplicate field 'w'");
        assertCorrupt(file("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__ value of format is not a string");
    }

    @Test
    void shouldRefuseToReadIntegerTensorsAsWeights() throws IOException {
        Path f = file("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            HfFormatException e = assertThrows(HfFormatException.class, () -> read(file, "ids"));
            assertTrue(e.getMessage().contains("tensor ids is I64"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseTwoTensorsOfOneName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(
                dir.resolve("twice.safetensors"), List.of(tensor("w", new float[] {1f}, 1),
                        tensor("w", new float[] {2f}, 1)), SafetensorsDType.F32, Map.of()));
        assertTrue(e.getMessage().contains("two tensors named w"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(dir.resolve("meta.safetensors"),
                List.of(tensor("__metadata__", new float[] {1f}, 1)), SafetensorsDType.F32, Map.of()));
    }

    @Test
    void shouldStreamATensorLargerThanOneWriteAndReadItIntoHeapOrNativeMemory() throws IOException {
        float[] values = new float[3 << 20]; // 12 MiB: more than one bounded write, more than one read chunk
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 7f;
        }
        Path f = dir.resolve("large.safetensors");
        SafetensorsWriter.write(f, List.of(tensor("small", new float[] {3f}, 1), tensor("large", values, 3, 1 << 20)),
                SafetensorsDType.F32, Map.of());
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            assertArrayEquals(values, read(file, "large"));
            ByteBuffer direct = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            file.readFloat32("large", direct);
            assertEquals(direct.capacity(), direct.position());
            float[] back = new float[values.length];
            direct.flip().asFloatBuffer().get(back);
            assertArrayEquals(values, back);
        }
    }

    private static SafetensorsWriter.Tensor tensor(String name, float[] values, long... shape) {
        return new SafetensorsWriter.Tensor(name, shape, use -> {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            use.accept(b);
        });
    }

    private static float[] read(SafetensorsFile file, String name) {
        return file.readFloats(name);
    }

    private static long headerLength(Path f) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** A file with {@code header} and {@code dataBytes} zero bytes of data. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path f = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    /** A file whose length field says {@code declared} whatever the header's real length. */
    private Path raw(long declared, String header) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declared).put(json);
        Path f = Files.createTempFile(dir, "r", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static void assertCorrupt(Path f, String expected) {
        HfFormatException e = assertThrows(HfFormatException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "the message must name the file: " + e.getMessage());
    }
}
