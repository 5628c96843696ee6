package dev.aha.protocol.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** FlatWeights with 1 MiB segments, so that images of a few MiB cross segment ends. */
class FlatWeightsTest {

    private static final int MIB = 1 << 20;
    private static final int SHIFT = FlatWeights.MIN_SEGMENT_SHIFT;

    @Test
    void shouldCutAnImageIntoSegmentsWithAShortLastOne() {
        FlatWeights w = FlatWeights.allocate(2 * MIB + 12, SHIFT);
        assertEquals(3, w.segmentCount());
        assertEquals(MIB, w.segment(0).remaining());
        assertEquals(MIB, w.segment(1).remaining());
        assertEquals(12, w.segment(2).remaining());
        assertEquals(2L * MIB + 12, w.size());
        assertEquals(0, FlatWeights.allocate(0, SHIFT).segmentCount());
        assertEquals(1, FlatWeights.allocate(MIB, SHIFT).segmentCount(), "an image that fills its segment takes one");
    }

    @Test
    void shouldPutAndGetAcrossSegmentEnds() {
        FlatWeights w = FlatWeights.allocate(3 * MIB, SHIFT);
        byte[] bytes = random(MIB + 100, 1);
        long at = MIB - 50; // from the end of segment 0, over all of segment 1, into segment 2
        w.put(at, ByteBuffer.wrap(bytes));
        ByteBuffer back = ByteBuffer.allocate(bytes.length);
        w.get(at, back);
        assertEquals(ByteBuffer.wrap(bytes), back.flip());
        assertEquals(bytes[49], w.segment(0).get(MIB - 1), "the first part lands at the end of segment 0");
        assertEquals(bytes[50], w.segment(1).get(0));
        assertEquals(bytes[bytes.length - 1], w.segment(2).get(49), "the tail lands in segment 2");
    }

    @Test
    void shouldAdvanceTheSourceAndTargetBuffers() {
        FlatWeights w = FlatWeights.allocate(2 * MIB, SHIFT);
        ByteBuffer source = ByteBuffer.wrap(random(64, 2));
        w.put(MIB - 32, source);
        assertFalse(source.hasRemaining());
        ByteBuffer target = ByteBuffer.allocate(64);
        w.get(MIB - 32, target);
        assertFalse(target.hasRemaining());
    }

    @Test
    void shouldRefuseBytesOutsideTheImage() {
        FlatWeights w = FlatWeights.allocate(2 * MIB, SHIFT);
        assertThrows(IndexOutOfBoundsException.class, () -> w.put(-1, ByteBuffer.allocate(1)));
        assertThrows(IndexOutOfBoundsException.class, () -> w.put(2L * MIB - 3, ByteBuffer.allocate(4)));
        assertThrows(IndexOutOfBoundsException.class, () -> w.get(2L * MIB, ByteBuffer.allocate(1)));
        assertThrows(IndexOutOfBoundsException.class, () -> w.get(Long.MAX_VALUE, ByteBuffer.allocate(1)),
                "an offset near Long.MAX_VALUE must not overflow into range");
        assertThrows(IndexOutOfBoundsException.class, () -> w.slice(2L * MIB - 3, 4));
        w.put(2L * MIB - 4, ByteBuffer.allocate(4)); // up to the last byte is fine
        w.get(2L * MIB, ByteBuffer.allocate(0));
    }

    @Test
    void shouldSliceOnlyWithinOneSegment() {
        FlatWeights w = FlatWeights.allocate(2 * MIB, SHIFT);
        w.put(MIB + 8, ByteBuffer.wrap(new byte[] {42}));
        ByteBuffer s = w.slice(MIB, 16);
        assertEquals(16, s.remaining());
        assertEquals(42, s.get(8), "a slice shares the image's memory");
        assertThrows(IndexOutOfBoundsException.class, () -> w.slice(MIB - 8, 16), "a slice never joins segments");
    }

    @Test
    void shouldRejectBadSizesAndSegmentShifts() {
        assertThrows(IllegalArgumentException.class, () -> FlatWeights.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> FlatWeights.allocate(MIB, SHIFT - 1));
        assertThrows(IllegalArgumentException.class, () -> FlatWeights.allocate(MIB, FlatWeights.SEGMENT_SHIFT + 1));
    }

    @Test
    void shouldHaveTheSameCrcAndContentWhateverTheSegmentation() {
        byte[] bytes = random(3 * MIB + 1000, 3);
        FlatWeights small = FlatWeights.allocate(bytes.length, SHIFT);
        small.put(0, ByteBuffer.wrap(bytes));
        FlatWeights whole = FlatWeights.wrap(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        assertEquals((int) crc.getValue(), small.crc32c());
        assertEquals((int) crc.getValue(), whole.crc32c());
        assertTrue(small.contentEquals(whole));
        assertTrue(whole.contentEquals(small));
        small.put(2L * MIB + 5, ByteBuffer.wrap(new byte[] {(byte) ~bytes[2 * MIB + 5]}));
        assertFalse(small.contentEquals(whole));
        assertNotEquals(whole.crc32c(), small.crc32c());
        assertFalse(whole.contentEquals(FlatWeights.allocate(bytes.length - 1)));
    }

    @Test
    void shouldCopyIntoIndependentWritableMemory() {
        FlatWeights w = FlatWeights.allocate(2 * MIB + 4, SHIFT);
        w.put(MIB - 2, ByteBuffer.wrap(random(8, 4)));
        FlatWeights c = w.asReadOnly().copy();
        assertFalse(c.isReadOnly());
        assertEquals(w.segmentCount(), c.segmentCount());
        assertTrue(c.contentEquals(w));
        c.put(MIB, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertFalse(c.contentEquals(w), "writing the copy leaves the original alone");
    }

    @Test
    void shouldRefuseWritesThroughAReadOnlyView() {
        FlatWeights w = FlatWeights.allocate(2 * MIB, SHIFT);
        FlatWeights r = w.asReadOnly();
        assertTrue(r.isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> r.put(0, ByteBuffer.allocate(1)));
        assertTrue(r.segment(1).isReadOnly());
        assertTrue(r.slice(MIB, 8).isReadOnly());
        w.put(MIB, ByteBuffer.wrap(new byte[] {7}));
        assertEquals(7, r.slice(MIB, 1).get(0), "a read-only view shares the memory");
        assertTrue(FlatWeights.wrap(ByteBuffer.allocate(4).asReadOnlyBuffer()).isReadOnly());
    }

    @Test
    void shouldGatherASmallImageIntoOneBuffer() {
        byte[] bytes = random(2 * MIB + 3, 5);
        FlatWeights w = FlatWeights.allocate(bytes.length, SHIFT);
        w.put(0, ByteBuffer.wrap(bytes));
        assertEquals(ByteBuffer.wrap(bytes), w.toByteBuffer());
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void anImageGivesItsMemoryBackOnceAndIsUnusableAfter() {
        FlatWeights image = FlatWeights.allocate(3L << 20, 20); // three segments
        image.put(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertTrue(image.ownsMemory());
        image.release();
        image.release(); // idempotent
        assertTrue(image.isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> image.segment(2));
        assertEquals("this weight image was released", e.getMessage());
        assertThrows(IllegalStateException.class, () -> image.slice(0, 4));
        assertThrows(IllegalStateException.class, image::copy);
        assertThrows(IllegalStateException.class, image::asReadOnly);

        FlatWeights kept = FlatWeights.allocate(1 << 20, 20);
        FlatWeights view = kept.asReadOnly();
        assertFalse(view.ownsMemory());
        assertThrows(IllegalStateException.class, view::release, "a view never frees what it does not own");
        assertFalse(FlatWeights.wrap(ByteBuffer.allocateDirect(16)).ownsMemory());
        assertFalse(kept.isReleased());
    }
}
