package dev.aha.protocol.weights;

import static dev.aha.protocol.weights.PlaneFixture.OTHER_SECRET;
import static dev.aha.protocol.weights.PlaneFixture.SECRET;
import static dev.aha.protocol.weights.PlaneFixture.SMALL_SEGMENTS;
import static dev.aha.protocol.weights.PlaneFixture.randomImage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.protocol.weights.SnapshotAssembly.Outcome;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The receive side's checks, chunk by chunk, without a transport: what is dropped never changes what is assembled. */
class SnapshotAssemblyTest {

    private static final int PAYLOAD = 16 * 1024;
    private static final long IMAGE = 3 * PAYLOAD;

    private final FlatWeights image = randomImage(IMAGE, 5);
    private final UnsafeBuffer chunk = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH + 2 * PAYLOAD));

    private static final String BASE = "ab".repeat(32);
    private static final String LAYOUT = "cd".repeat(32);
    private static final SnapshotLabel ADAPTERS = SnapshotLabel.loraAdapters(BASE, LAYOUT);

    private static SnapshotAssembly assembly(PlaneMac mac) {
        return assembly(SnapshotKind.FULL, mac);
    }

    private static SnapshotAssembly assembly(SnapshotKind kind, PlaneMac mac) {
        return new SnapshotAssembly(WireDtype.F32, kind, IMAGE, SMALL_SEGMENTS, PAYLOAD, mac);
    }

    /** Lays out chunk {@code index} of {@code version} as the publisher does, changes it, seals it with {@code mac}. */
    private int chunk(long version, int index, Consumer<UnsafeBuffer> change, PlaneMac mac) {
        return chunk(SnapshotLabel.full(), version, index, change, mac);
    }

    private int chunk(SnapshotLabel label, long version, int index, Consumer<UnsafeBuffer> change, PlaneMac mac) {
        long offset = (long) index * PAYLOAD;
        boolean last = offset + PAYLOAD == IMAGE;
        ChunkHeader.write(chunk, 0, WireDtype.F32, label, version, offset, IMAGE, last ? image.crc32c() : 0, PAYLOAD);
        chunk.putBytes(ChunkHeader.LENGTH, image.slice(offset, PAYLOAD), 0, PAYLOAD);
        change.accept(chunk);
        new ChunkHeader.Seal(mac).seal(chunk, 0);
        return ChunkHeader.LENGTH + PAYLOAD;
    }

    private int chunk(long version, int index) {
        return chunk(version, index, c -> { }, null);
    }

    @Test
    void shouldDropEveryMalformedChunkWithoutDisturbingTheTransferInProgress() {
        SnapshotAssembly a = assembly(null);
        assertEquals(Outcome.PLACED, a.accept(chunk, 0, chunk(1, 0)));
        List<Consumer<UnsafeBuffer>> lies = List.of(
                c -> c.putInt(ChunkHeader.DTYPE_OFFSET, 0),
                c -> c.putInt(ChunkHeader.FLAGS_OFFSET, 2),
                c -> c.putLong(ChunkHeader.VERSION_OFFSET, -1),
                c -> c.putLong(ChunkHeader.TOTAL_LENGTH_OFFSET, 0),
                c -> c.putLong(ChunkHeader.TOTAL_LENGTH_OFFSET, Long.MIN_VALUE),
                c -> c.putLong(ChunkHeader.OFFSET_OFFSET, -PAYLOAD),
                c -> c.putLong(ChunkHeader.OFFSET_OFFSET, IMAGE - PAYLOAD / 2), // past the end
                c -> c.putLong(ChunkHeader.OFFSET_OFFSET, Long.MAX_VALUE - 1), // overflows offset + payload
                c -> c.putInt(ChunkHeader.PAYLOAD_LENGTH_OFFSET, 0),
                c -> c.putInt(ChunkHeader.PAYLOAD_LENGTH_OFFSET, -PAYLOAD));
        for (Consumer<UnsafeBuffer> lie : lies) {
            assertEquals(Outcome.MALFORMED, a.accept(chunk, 0, chunk(1, 1, lie, null)), a.malformation());
        }
        int length = chunk(1, 1);
        chunk.putLong(ChunkHeader.OFFSET_OFFSET, 0); // damaged after sealing: the header CRC no longer holds
        assertEquals(Outcome.MALFORMED, a.accept(chunk, 0, length));
        assertEquals("header CRC32C mismatch", a.malformation());
        assertEquals(Outcome.MALFORMED, a.accept(chunk, 0, ChunkHeader.LENGTH - 1));
        assertEquals(Outcome.MALFORMED, a.accept(chunk, 0, chunk(1, 1) - 1), "a length the header does not say");
        ChunkHeader.write(chunk, 0, WireDtype.F32, SnapshotLabel.full(), 1, PAYLOAD, IMAGE, 0, PAYLOAD + 8);
        new ChunkHeader.Seal(null).seal(chunk, 0);
        assertEquals(Outcome.MALFORMED, a.accept(chunk, 0, ChunkHeader.LENGTH + PAYLOAD + 8), "beyond the MTU's share");
        assertEquals("version or payload length out of range", a.malformation());

        assertEquals(Outcome.PLACED, a.accept(chunk, 0, chunk(1, 1)), "the transfer goes on where it was");
        assertEquals(Outcome.COMPLETE, a.accept(chunk, 0, chunk(1, 2)));
        assertTrue(image.contentEquals(a.snapshot().weights()), "no dropped chunk wrote a byte");
    }

    @Test
    void shouldIgnoreAReplayedOldVersionAndRefuseAnotherSizeOnce() {
        SnapshotAssembly a = assembly(null);
        for (int i = 0; i < 3; i++) {
            a.accept(chunk, 0, chunk(4, i));
        }
        assertEquals(4, a.lastApplied());
        for (int i = 0; i < 3; i++) {
            assertEquals(Outcome.IGNORED, a.accept(chunk, 0, chunk(3, i)));
            assertEquals(Outcome.IGNORED, a.accept(chunk, 0, chunk(4, i)));
        }
        int length = chunk(5, 0, c -> c.putLong(ChunkHeader.TOTAL_LENGTH_OFFSET, 1L << 40), null);
        assertEquals(Outcome.REFUSED, a.accept(chunk, 0, length));
        assertTrue(a.refusal().contains(String.valueOf(1L << 40)), a.refusal());
        assertEquals(Outcome.IGNORED, a.accept(chunk, 0, length), "a version is refused once, then ignored");
    }

    @Test
    void shouldAcceptOnlyChunksSignedWithTheSameSecretAndLetNoForgeryChangeItsState() {
        PlaneMac mine = PlaneMac.of(SECRET);
        PlaneMac other = PlaneMac.of(OTHER_SECRET);
        SnapshotAssembly a = assembly(PlaneMac.of(SECRET));
        assertEquals(Outcome.UNAUTHENTICATED, a.accept(chunk, 0, chunk(1, 0)), "unsigned");
        assertEquals(Outcome.UNAUTHENTICATED, a.accept(chunk, 0, chunk(1, 0, c -> { }, other)), "another secret");
        int length = chunk(1, 0, c -> { }, mine);
        chunk.putByte(ChunkHeader.LENGTH + 7, (byte) (chunk.getByte(ChunkHeader.LENGTH + 7) ^ 1));
        assertEquals(Outcome.UNAUTHENTICATED, a.accept(chunk, 0, length), "a payload changed after signing");
        // a forger's claim that version 1 comes in another dtype must not get the real version 1 refused
        length = chunk(1, 0, c -> c.putInt(ChunkHeader.DTYPE_OFFSET, WireDtype.BF16.code), other);
        assertEquals(Outcome.UNAUTHENTICATED, a.accept(chunk, 0, length));
        assertNull(a.refusal());
        for (int i = 0; i < 2; i++) {
            assertEquals(Outcome.PLACED, a.accept(chunk, 0, chunk(1, i, c -> { }, mine)));
        }
        assertEquals(Outcome.COMPLETE, a.accept(chunk, 0, chunk(1, 2, c -> { }, mine)));
        assertTrue(image.contentEquals(a.snapshot().weights()));
    }

    @Test
    void shouldRefuseSignedChunksWithoutASecretOfItsOwn() {
        SnapshotAssembly a = assembly(null);
        assertEquals(Outcome.REFUSED, a.accept(chunk, 0, chunk(1, 0, c -> { }, PlaneMac.of(SECRET))));
        assertTrue(a.refusal().contains("aha.weights.secret"), a.refusal());
    }

    @Test
    void shouldRefuseAnotherKindOnceNamingTheSettingsNodesMustShare() {
        SnapshotAssembly wholeOnly = assembly(null);
        assertEquals(Outcome.REFUSED, wholeOnly.accept(chunk, 0, chunk(SnapshotLabel.loraBase(BASE), 1, 0, c -> { },
                null)));
        assertEquals("version 1 is a LoRA base, this subscriber takes a whole policy: every node must share aha.lora "
                + "(adapters on every node or on none) and the weight plane's stream ids", wholeOnly.refusal());
        assertEquals(Outcome.IGNORED, wholeOnly.accept(chunk, 0, chunk(SnapshotLabel.loraBase(BASE), 1, 1, c -> { },
                null)), "refused once, then ignored");

        SnapshotAssembly adaptersOnly = assembly(SnapshotKind.LORA_ADAPTERS, null);
        assertEquals(Outcome.REFUSED, adaptersOnly.accept(chunk, 0, chunk(2, 0)));
        assertTrue(adaptersOnly.refusal().startsWith("version 2 is a whole policy, this subscriber takes LoRA "
                + "adapters"), adaptersOnly.refusal());
    }

    @Test
    void shouldDeliverTheLabelOfAnIntactTransferAndTearOneWhoseChunksChangeIt() {
        SnapshotAssembly a = assembly(SnapshotKind.LORA_ADAPTERS, null);
        for (int i = 0; i < 2; i++) {
            assertEquals(Outcome.PLACED, a.accept(chunk, 0, chunk(ADAPTERS, 1, i, c -> { }, null)));
        }
        assertEquals(Outcome.COMPLETE, a.accept(chunk, 0, chunk(ADAPTERS, 1, 2, c -> { }, null)));
        assertEquals(ADAPTERS, a.snapshot().label());
        assertTrue(image.contentEquals(a.snapshot().weights()));

        assertEquals(Outcome.PLACED, a.accept(chunk, 0, chunk(ADAPTERS, 2, 0, c -> { }, null)));
        SnapshotLabel otherBase = SnapshotLabel.loraAdapters("ef".repeat(32), LAYOUT);
        assertEquals(Outcome.TORN, a.accept(chunk, 0, chunk(otherBase, 2, 1, c -> { }, null)),
                "a chunk must say what the transfer's first chunk said");
        assertEquals(1, a.lastApplied());
    }

    @Test
    void shouldDropChunksWhoseKindOrDigestsContradictThemselves() {
        SnapshotAssembly a = assembly(SnapshotKind.LORA_ADAPTERS, null);
        List<Consumer<UnsafeBuffer>> lies = List.of(
                c -> c.putInt(ChunkHeader.KIND_OFFSET, 9),
                c -> c.putInt(ChunkHeader.RESERVED_OFFSET, 1),
                c -> c.setMemory(ChunkHeader.DIGESTS_OFFSET + 32, 32, (byte) 0)); // adapters without a layout
        for (Consumer<UnsafeBuffer> lie : lies) {
            assertEquals(Outcome.MALFORMED, a.accept(chunk, 0, chunk(ADAPTERS, 1, 0, lie, null)), a.malformation());
        }
        assertEquals(Outcome.MALFORMED, assembly(null).accept(chunk, 0, chunk(1, 0,
                c -> c.putByte(ChunkHeader.DIGESTS_OFFSET, (byte) 1), null)), "a whole policy with a digest");
        assertEquals("digests that contradict the kind", a.malformation());
        assertEquals(Outcome.PLACED, a.accept(chunk, 0, chunk(ADAPTERS, 1, 0, c -> { }, null)), "nothing was held");
    }
}
