package dev.aha.runtime.policy.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.engine.BFloat16;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.llama.LlamaFixtures;
import dev.aha.runtime.policy.llama.LlamaPolicy;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paths that move a tensor past 2 GiB (a ByteBuffer's limit) a piece of whole rows at a time, taken by small
 * tensors with the piece size lowered ({@link SmallPieces}): filling and reading tensors in place and staged, the
 * safetensors writer and ranged reads, model load and export, the flat weight image, random initialisation. Each
 * must give the same bytes as the one-piece path.
 */
class HfTensorPiecesTest {

    @TempDir
    Path dir;

    private NDManager base;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        base.close();
    }

    /**
     * Staging a narrow tensor's float32 pieces gives their host memory back at once: importing into bf16 and f16
     * arrays many times over leaves the JVM's direct memory where it was, with no collection in between.
     */
    @Test
    void stagingGivesItsHostMemoryBackAtOnce() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        Shape shape = new Shape(256, 1024); // 1 MB staged per import
        for (String type : List.of("f16", "bf16")) {
            NDArray target = type.equals("f16") ? base.zeros(shape, DataType.FLOAT16)
                    : BFloat16.narrow(base.zeros(shape));
            long before = direct.getMemoryUsed();
            for (int i = 0; i < 64; i++) {
                TensorBytes.fill(target, (first, piece) -> {
                    while (piece.hasRemaining()) {
                        piece.putFloat(0.5f);
                    }
                });
            }
            assertTrue(direct.getMemoryUsed() - before < 8 << 20, type + ": 64 MB staged, "
                    + (direct.getMemoryUsed() - before) + " bytes of direct memory still held");
            target.close();
        }
    }

    @Test
    void shouldFillAndReadTensorsInPiecesOfWholeRows() {
        for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT16)) { // in place, and staged
            NDArray matrix = base.zeros(new Shape(10, 3), type);
            matrix.setRequiresGradient(true);
            NDArray vector = base.zeros(new Shape(37), type);
            try (SmallPieces small = SmallPieces.of(64)) {
                assertEquals(15, TensorBytes.pieceElements(new long[] {10, 3}), "5 rows of 12 bytes");
                assertEquals(List.of(0L, 15L), fillWithIndices(matrix));
                assertEquals(List.of(0L, 16L, 32L), fillWithIndices(vector));
                assertArrayEquals(indices(30), readAll(matrix));
                assertArrayEquals(indices(37), readAll(vector));
            }
            assertArrayEquals(indices(30), matrix.toType(DataType.FLOAT32, false).toFloatArray(), type.toString());
            assertArrayEquals(indices(37), vector.toType(DataType.FLOAT32, false).toFloatArray(), type.toString());
            assertTrue(matrix.hasGradient(), "the parameter still takes gradients");
        }
    }

    @Test
    void shouldWriteAndReadSafetensorsInPieces() throws IOException {
        NDArray a = base.arange(0f, 60f).reshape(12, 5);
        for (SafetensorsDType dtype : List.of(SafetensorsDType.F32, SafetensorsDType.BF16)) {
            Path file = dir.resolve(dtype + ".safetensors");
            try (SmallPieces small = SmallPieces.of(40)) {
                SafetensorsWriter.write(file, List.of(new SafetensorsWriter.Tensor("a", new long[] {12, 5},
                        use -> TensorBytes.read(a, use))), dtype, Map.of());
                NDArray back = base.zeros(new Shape(12, 5));
                try (SafetensorsFile f = SafetensorsFile.open(file)) {
                    TensorBytes.fill(back, (first, piece) -> f.readFloat32("a", first, piece));
                    ByteBuffer tail = ByteBuffer.allocateDirect(3 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    f.readFloat32("a", 57, tail);
                    assertArrayEquals(new float[] {57, 58, 59}, floats(tail.flip()));
                    IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                            () -> f.readFloat32("a", 58, ByteBuffer.allocate(3 * Float.BYTES)));
                    assertEquals("tensor a [12, 5] has 60 elements, not 12 float32 bytes from element 58",
                            past.getMessage());
                }
                assertArrayEquals(a.toFloatArray(), back.toFloatArray(), dtype.toString()); // integers: exact in BF16
            }
        }
        IllegalArgumentException short_ = assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(
                dir.resolve("short.safetensors"), List.of(new SafetensorsWriter.Tensor("a", new long[] {12, 5},
                        use -> use.accept(ByteBuffer.allocate(40)))), SafetensorsDType.F32, Map.of()));
        assertEquals("tensor a [12, 5] has 240 float32 bytes, its source gave 40", short_.getMessage());
    }

    @Test
    void shouldLoadExportAndCopyModelsInPiecesBitForBit() throws IOException {
        for (String model : List.of("llama", "qwen2")) { // BF16 widened, and F32 read in place from two shards
            HfModel hf = HfModel.open(LlamaFixtures.model(model), 64);
            try (LlamaPolicy whole = hf.create(base)) {
                FlatWeights expected = whole.exportWeights();
                try (SmallPieces small = SmallPieces.of(256); LlamaPolicy pieced = hf.create(base)) {
                    FlatWeights image = pieced.exportWeights();
                    assertTrue(expected.contentEquals(image), model + ": loaded in pieces");
                    Path out = hf.export(pieced, dir.resolve(model), HfModelWriter.Options.float32(null));
                    pieced.importWeights(image); // the flat image back in, a piece at a time
                    assertTrue(expected.contentEquals(pieced.exportWeights()), model + ": flat image in pieces");
                    try (LlamaPolicy reloaded = HfModel.open(out, 64).create(base)) {
                        assertTrue(expected.contentEquals(reloaded.exportWeights()), model + ": exported in pieces");
                    }
                }
            }
        }
    }

    @Test
    void shouldDrawTheSameRandomModelWhateverThePieces() throws IOException {
        HfModelInit.Spec spec = HfModelInit.Spec.of("qwen3", 32, 1, 4, 2, 48, 50, true, 9);
        Path whole = HfModelInit.write(spec, dir.resolve("whole"), null);
        Path pieced;
        try (SmallPieces small = SmallPieces.of(200)) {
            pieced = HfModelInit.write(spec, dir.resolve("pieced"), null);
        }
        assertEquals(-1, Files.mismatch(whole.resolve(HfCheckpoint.SINGLE_FILE),
                pieced.resolve(HfCheckpoint.SINGLE_FILE)));
    }

    /** Fills {@code a} with 0, 1, 2, ... by element index; returns each piece's first element. */
    private static List<Long> fillWithIndices(NDArray a) {
        List<Long> firsts = new ArrayList<>();
        TensorBytes.fill(a, (first, piece) -> {
            firsts.add(first);
            FloatBuffer f = piece.asFloatBuffer();
            for (long i = first; f.hasRemaining(); i++) {
                f.put(i);
            }
        });
        return firsts;
    }

    private static float[] readAll(NDArray a) {
        FloatBuffer all = FloatBuffer.allocate(Math.toIntExact(a.size()));
        TensorBytes.read(a, bytes -> all.put(bytes.asFloatBuffer()));
        return all.array();
    }

    private static float[] indices(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static float[] floats(ByteBuffer bytes) {
        float[] v = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(v);
        return v;
    }
}
