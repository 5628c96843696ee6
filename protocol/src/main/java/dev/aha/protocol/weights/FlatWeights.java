package dev.aha.protocol.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A policy's weights as one flat byte image (tensors back to back, little-endian), which may be longer than one
 * {@link ByteBuffer} can address: a 1.5B-parameter model is 6 GB in float32. The bytes live in direct segments of
 * {@link #SEGMENT_BYTES} (the last one shorter); offsets are {@code long}. Not thread-safe; a reader that must not
 * see later writes takes a {@link #copy()}.
 */
public final class FlatWeights {

    /** 1 GiB: a power of two, so an offset splits into segment and position with a shift and a mask. */
    public static final int SEGMENT_SHIFT = 30;
    public static final int SEGMENT_BYTES = 1 << SEGMENT_SHIFT;

    private final ByteBuffer[] segments;
    private final long size;

    private FlatWeights(ByteBuffer[] segments, long size) {
        this.segments = segments;
        this.size = size;
    }

    /** Zeroed direct memory for {@code size} bytes. */
    public static FlatWeights allocate(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        int n = (int) ((size + SEGMENT_BYTES - 1) >>> SEGMENT_SHIFT);
        ByteBuffer[] segments = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            long left = size - ((long) i << SEGMENT_SHIFT);
            segments[i] = ByteBuffer.allocateDirect((int) Math.min(SEGMENT_BYTES, left)).order(ByteOrder.LITTLE_ENDIAN);
        }
        return new FlatWeights(segments, size);
    }

    /** Views {@code buffer}'s remaining bytes (no copy) as a flat image; it must be under 1 GiB. */
    public static FlatWeights wrap(ByteBuffer buffer) {
        if (buffer.remaining() > SEGMENT_BYTES) {
            throw new IllegalArgumentException("wrap takes at most one segment (" + SEGMENT_BYTES + " bytes), got "
                    + buffer.remaining() + ": allocate and put instead");
        }
        ByteBuffer view = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new FlatWeights(new ByteBuffer[] {view}, view.remaining());
    }

    public long size() {
        return size;
    }

    public int segmentCount() {
        return segments.length;
    }

    /** Segment {@code i} as a little-endian view from its start to its end (sharing the memory). */
    public ByteBuffer segment(int i) {
        return segments[i].duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Copies {@code source}'s remaining bytes to {@code offset}, across segment ends; advances the source. */
    public void put(long offset, ByteBuffer source) {
        check(offset, source.remaining());
        long at = offset;
        while (source.hasRemaining()) {
            ByteBuffer seg = segmentAt(at);
            int n = Math.min(seg.remaining(), source.remaining());
            ByteBuffer part = source.duplicate();
            part.limit(part.position() + n);
            seg.put(part);
            source.position(source.position() + n);
            at += n;
        }
    }

    /** Fills {@code target}'s remaining bytes from {@code offset}, across segment ends; advances the target. */
    public void get(long offset, ByteBuffer target) {
        check(offset, target.remaining());
        long at = offset;
        while (target.hasRemaining()) {
            ByteBuffer seg = segmentAt(at);
            int n = Math.min(seg.remaining(), target.remaining());
            seg.limit(seg.position() + n);
            target.put(seg);
            at += n;
        }
    }

    /** An independent copy in new direct memory. */
    public FlatWeights copy() {
        FlatWeights c = allocate(size);
        for (int i = 0; i < segments.length; i++) {
            c.segments[i].duplicate().put(segment(i));
        }
        return c;
    }

    /** The whole image in one buffer, for images under 1 GiB (tests, small models). */
    public ByteBuffer toByteBuffer() {
        ByteBuffer all = ByteBuffer.allocateDirect(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        get(0, all.duplicate());
        return all;
    }

    /** Byte-for-byte equality of two images (tests and checks; it reads both whole). */
    public boolean contentEquals(FlatWeights other) {
        if (other.size != size) {
            return false;
        }
        for (int i = 0; i < segments.length; i++) {
            if (!segment(i).equals(other.segment(i))) {
                return false;
            }
        }
        return true;
    }

    private ByteBuffer segmentAt(long offset) {
        ByteBuffer seg = segments[(int) (offset >>> SEGMENT_SHIFT)].duplicate().order(ByteOrder.LITTLE_ENDIAN);
        seg.clear().position((int) (offset & (SEGMENT_BYTES - 1)));
        return seg;
    }

    private void check(long offset, int length) {
        if (offset < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") outside a flat "
                    + "image of " + size);
        }
    }

    @Override
    public String toString() {
        return "FlatWeights(" + size + " bytes in " + segments.length + " segment(s))";
    }
}
