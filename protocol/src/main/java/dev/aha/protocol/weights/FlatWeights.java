package dev.aha.protocol.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import org.agrona.BufferUtil;

/**
 * A policy's weights as one flat byte image (tensors back to back, little-endian), which may be longer than one
 * {@link ByteBuffer} can address: a 1.5B-parameter model is 6 GB in float32. The bytes live in direct segments of
 * {@link #SEGMENT_BYTES} (the last one shorter); offsets are {@code long}. Not thread-safe; a reader that must not
 * see later writes takes a {@link #copy()}, and an image handed to others is handed {@link #asReadOnly()}.
 */
public final class FlatWeights {

    /** 1 GiB: a power of two, so an offset splits into segment and position with a shift and a mask. */
    public static final int SEGMENT_SHIFT = 30;
    public static final int SEGMENT_BYTES = 1 << SEGMENT_SHIFT;

    /**
     * The smallest segment (1 MiB, tests use it to cross segment ends without allocating gigabytes). Every segment
     * size is a power of two at least this large, so a piece that does not cross a multiple of it never crosses a
     * segment end, whatever the segmentation: the weight plane cuts its chunks on these multiples.
     */
    static final int MIN_SEGMENT_SHIFT = 20;
    static final int MIN_SEGMENT_BYTES = 1 << MIN_SEGMENT_SHIFT;

    private final ByteBuffer[] segments;
    private final long size;
    private final int shift;
    private final boolean readOnly;
    /** Allocated here (not a view of another image or of a caller's buffer): only then may it be released. */
    private final boolean owned;
    private volatile boolean released;

    private FlatWeights(ByteBuffer[] segments, long size, int shift, boolean readOnly, boolean owned) {
        this.segments = segments;
        this.size = size;
        this.shift = shift;
        this.readOnly = readOnly;
        this.owned = owned;
    }

    /** Zeroed direct memory for {@code size} bytes in 1 GiB segments. */
    public static FlatWeights allocate(long size) {
        return allocate(size, SEGMENT_SHIFT);
    }

    /** Zeroed direct memory for {@code size} bytes in segments of {@code 1 << segmentShift} bytes. */
    static FlatWeights allocate(long size, int segmentShift) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size);
        }
        if (segmentShift < MIN_SEGMENT_SHIFT || segmentShift > SEGMENT_SHIFT) {
            throw new IllegalArgumentException("segment shift must be in [" + MIN_SEGMENT_SHIFT + ", " + SEGMENT_SHIFT
                    + "], was " + segmentShift);
        }
        long segmentBytes = 1L << segmentShift;
        long n = (size + segmentBytes - 1) >>> segmentShift;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(size + " bytes need more than " + Integer.MAX_VALUE + " segments");
        }
        ByteBuffer[] segments = new ByteBuffer[(int) n];
        for (int i = 0; i < segments.length; i++) {
            long left = size - ((long) i << segmentShift);
            segments[i] = ByteBuffer.allocateDirect((int) Math.min(segmentBytes, left)).order(ByteOrder.LITTLE_ENDIAN);
        }
        return new FlatWeights(segments, size, segmentShift, false, true);
    }

    /** Views {@code buffer}'s remaining bytes (no copy) as a flat image; it must be at most 1 GiB. */
    public static FlatWeights wrap(ByteBuffer buffer) {
        if (buffer.remaining() > SEGMENT_BYTES) {
            throw new IllegalArgumentException("wrap takes at most one segment (" + SEGMENT_BYTES + " bytes), got "
                    + buffer.remaining() + ": allocate and put instead");
        }
        ByteBuffer view = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new FlatWeights(new ByteBuffer[] {view}, view.remaining(), SEGMENT_SHIFT, buffer.isReadOnly(), false);
    }

    public long size() {
        return size;
    }

    public int segmentCount() {
        return segments.length;
    }

    /** log2 of the segment size: allocations that must line up with this image's segments use it. */
    int segmentShift() {
        return shift;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * Gives the memory back now instead of whenever the garbage collector finds the buffers (a quiet heap may never
     * collect them: gigabytes held for a whole run). Idempotent. Any later use of this image throws; the caller
     * guarantees that no view of it ({@link #asReadOnly}, {@link #segment}, {@link #slice}) is still in use.
     *
     * @throws IllegalStateException for an image that does not own its memory (a view, or a wrapped buffer)
     */
    public synchronized void release() {
        if (!owned) {
            throw new IllegalStateException("only an image allocated as such can be released, not a view");
        }
        if (released) {
            return;
        }
        released = true;
        for (int i = 0; i < segments.length; i++) {
            ByteBuffer segment = segments[i];
            segments[i] = null;
            BufferUtil.free(segment);
        }
    }

    public boolean isReleased() {
        return released;
    }

    /** Whether this image owns its memory, so {@link #release} may give it back. */
    public boolean ownsMemory() {
        return owned;
    }

    private ByteBuffer live(int i) {
        ByteBuffer segment = segments[i];
        if (segment == null) {
            throw new IllegalStateException("this weight image was released");
        }
        return segment;
    }

    /**
     * The same memory, read-only: puts throw {@link java.nio.ReadOnlyBufferException} and every view is read-only.
     * What the weight plane hands to listeners, so one listener cannot change what another reads.
     */
    public FlatWeights asReadOnly() {
        if (readOnly) {
            return this;
        }
        ByteBuffer[] views = new ByteBuffer[segments.length];
        for (int i = 0; i < views.length; i++) {
            views[i] = live(i).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return new FlatWeights(views, size, shift, true, false);
    }

    /** Segment {@code i} as a little-endian view from its start to its end (sharing the memory). */
    public ByteBuffer segment(int i) {
        return live(i).duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Bytes {@code [offset, offset + length)} as a little-endian view (sharing the memory) from position 0 to
     * {@code length}. They must lie within one segment: no copy is made to join two.
     */
    public ByteBuffer slice(long offset, int length) {
        check(offset, length);
        int index = (int) (offset >>> shift);
        int at = (int) (offset & ((1L << shift) - 1));
        if (length > 0 && at + length > live(index).capacity()) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") cross the end of "
                    + "segment " + index + " (" + (1L << shift) + "-byte segments)");
        }
        return live(index).slice(at, length).order(ByteOrder.LITTLE_ENDIAN);
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

    /** An independent, writable copy in new direct memory, segmented as this one. */
    public FlatWeights copy() {
        FlatWeights c = allocate(size, shift);
        for (int i = 0; i < segments.length; i++) {
            c.segments[i].duplicate().put(segment(i));
        }
        return c;
    }

    /** The whole image in one buffer, for images under 2 GiB (tests, small models). */
    public ByteBuffer toByteBuffer() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(size + " bytes do not fit one ByteBuffer");
        }
        ByteBuffer all = ByteBuffer.allocateDirect((int) size).order(ByteOrder.LITTLE_ENDIAN);
        get(0, all.duplicate());
        return all;
    }

    /** CRC32C of the whole image, segment after segment: the same value however the image is segmented. */
    public int crc32c() {
        CRC32C crc = new CRC32C();
        for (int i = 0; i < segments.length; i++) {
            crc.update(segment(i));
        }
        return (int) crc.getValue();
    }

    /** Byte-for-byte equality of two images, however each is segmented (tests and checks; it reads both whole). */
    public boolean contentEquals(FlatWeights other) {
        if (other.size != size) {
            return false;
        }
        long at = 0;
        while (at < size) {
            // the longest piece inside one segment of each image
            int n = (int) Math.min(Math.min(size - at, room(at)), other.room(at));
            if (!slice(at, n).equals(other.slice(at, n))) {
                return false;
            }
            at += n;
        }
        return true;
    }

    /** Bytes from {@code offset} to the end of its segment. */
    long room(long offset) {
        return Math.min(size, ((offset >>> shift) + 1) << shift) - offset;
    }

    private ByteBuffer segmentAt(long offset) {
        ByteBuffer seg = live((int) (offset >>> shift)).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        seg.clear().position((int) (offset & ((1L << shift) - 1)));
        return seg;
    }

    private void check(long offset, int length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") outside a flat "
                    + "image of " + size);
        }
    }

    @Override
    public String toString() {
        return "FlatWeights(" + size + " bytes in " + segments.length + " segment(s)" + (readOnly ? ", read-only" : "")
                + ")";
    }
}
