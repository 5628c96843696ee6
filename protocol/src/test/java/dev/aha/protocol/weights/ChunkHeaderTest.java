package dev.aha.protocol.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The chunk layout and cut, at offsets past 2 and 4 GiB (arithmetic only: no image that large is allocated). */
class ChunkHeaderTest {

    private static final long GIB = 1L << 30;
    private static final int MAX = 65432;

    @Test
    void shouldCarry64BitOffsetsAndLengths() {
        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH + 8));
        SnapshotLabel label = SnapshotLabel.loraAdapters("0a".repeat(32), "b0".repeat(32));
        ChunkHeader.write(b, 8, WireDtype.BF16, label, 42, 5 * GIB + 12, 6 * GIB, 0xcafe, MAX);
        assertEquals(SnapshotKind.LORA_ADAPTERS, SnapshotKind.fromCode(ChunkHeader.kindCode(b, 8)));
        assertEquals(label, ChunkHeader.label(b, 8, SnapshotKind.LORA_ADAPTERS));
        assertTrue(ChunkHeader.sameLabel(b, 8, ChunkHeader.labelBytes(b, 8)));
        assertEquals(0, ChunkHeader.LENGTH % 8, "payloads stay 8-byte aligned");
        assertEquals(ChunkHeader.MAGIC, ChunkHeader.magic(b, 8));
        assertEquals(WireDtype.BF16, WireDtype.fromCode(ChunkHeader.dtypeCode(b, 8)));
        assertEquals(42, ChunkHeader.version(b, 8));
        assertEquals(5 * GIB + 12, ChunkHeader.offset(b, 8));
        assertEquals(6 * GIB, ChunkHeader.totalLength(b, 8));
        assertEquals(0xcafe, ChunkHeader.crc(b, 8));
        assertEquals(MAX, ChunkHeader.payloadLength(b, 8));
    }

    @Test
    void shouldCutChunksOnEveryMebibyteAndAtTheEnd() {
        assertEquals(MAX, ChunkHeader.payloadAt(5 * GIB, 6 * GIB, MAX));
        assertEquals(100, ChunkHeader.payloadAt(5 * GIB - 100, 6 * GIB, MAX), "stops at the segment end");
        assertEquals(1664, ChunkHeader.payloadAt((1L << 20) - 1664, 6 * GIB, MAX), "16 full chunks, then the rest");
        assertEquals(8, ChunkHeader.payloadAt(6 * GIB - 8, 6 * GIB, MAX), "stops at the image end");
        long at = 2 * GIB - 3 * MAX;
        int chunks = 0;
        while (at < 2 * GIB + (1L << 20)) {
            int p = ChunkHeader.payloadAt(at, 6 * GIB, MAX);
            assertFalse(ChunkHeader.crossesSegment(at, p), "the publisher never cuts across a segment end");
            at += p;
            chunks++;
        }
        assertEquals(2 * GIB + (1L << 20), at, "chunks tile the image past 2 GiB without gaps");
        assertEquals(3 + 17, chunks);
    }

    @Test
    void shouldSeeAnyBitFlippedInTheSealedHeaderFields() {
        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH + 8));
        ChunkHeader.write(b, 0, WireDtype.F32, SnapshotLabel.full(), 42, 5 * GIB, 6 * GIB, 0xcafe, 8);
        ChunkHeader.Seal seal = new ChunkHeader.Seal(null);
        seal.seal(b, 0);
        assertTrue(seal.headerCrcHolds(b, 0));
        for (int bit = 0; bit < (ChunkHeader.HEADER_CRC_OFFSET + 4) * 8; bit++) {
            b.putByte(bit / 8, (byte) (b.getByte(bit / 8) ^ 1 << bit % 8));
            assertFalse(seal.headerCrcHolds(b, 0), "bit " + bit);
            b.putByte(bit / 8, (byte) (b.getByte(bit / 8) ^ 1 << bit % 8));
        }
        assertEquals(0, ChunkHeader.flags(b, 0), "no MAC without a secret");
    }

    @Test
    void shouldSeeAChunkThatCrossesASegmentEnd() {
        assertTrue(ChunkHeader.crossesSegment(3 * GIB - 8, 16));
        assertFalse(ChunkHeader.crossesSegment(3 * GIB - 8, 8));
        assertFalse(ChunkHeader.crossesSegment(3 * GIB, 1 << 20));
    }
}
