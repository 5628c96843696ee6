package dev.aha.protocol.weights;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The header in front of every chunk of a weight snapshot on the data stream, little-endian, 40 bytes (a multiple of
 * 8, so payloads stay 8-byte aligned in Aeron's 32-byte-aligned frames):
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       Magic "AHAW" (32)                       |
 *  +---------------------------------------------------------------+
 *  |                   Wire dtype (32): 1 f32, 2 bf16              |
 *  +---------------------------------------------------------------+
 *  |                         Version (64)                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Offset in the wire image (64)                  |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Wire image total length (64)                  |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |      CRC32C of the whole wire image, in the last chunk (32)   |
 *  +---------------------------------------------------------------+
 *  |                      Payload length (32)                      |
 *  +---------------------------------------------------------------+
 *  |                      Payload ...                             ...
 * </pre>
 *
 * Every chunk repeats dtype, version and total length, so a subscriber that joins mid-transfer knows what it is
 * looking at and can ask for the whole version again, and one configured for another dtype or model size refuses the
 * version instead of misreading it. The CRC travels in the last chunk only (0 in the others): the publisher computes
 * it while it sends, instead of reading the whole image once more before the first chunk. Offsets and lengths are
 * 64-bit: images pass 2 GiB. No chunk crosses a multiple of {@link FlatWeights#MIN_SEGMENT_BYTES}, so each lands
 * inside one segment of the receiver's buffer.
 */
final class ChunkHeader {

    /** "AHAW" read as a little-endian int: a stray stream with another layout is dropped, not parsed. */
    static final int MAGIC = 'A' | 'H' << 8 | 'A' << 16 | 'W' << 24;

    static final int MAGIC_OFFSET = 0;
    static final int DTYPE_OFFSET = 4;
    static final int VERSION_OFFSET = 8;
    static final int OFFSET_OFFSET = 16;
    static final int TOTAL_LENGTH_OFFSET = 24;
    static final int CRC_OFFSET = 32;
    static final int PAYLOAD_LENGTH_OFFSET = 36;
    static final int LENGTH = 40;

    private ChunkHeader() {}

    static void write(MutableDirectBuffer b, int at, WireDtype dtype, long version, long offset, long total, int crc,
            int payload) {
        b.putInt(at + MAGIC_OFFSET, MAGIC);
        b.putInt(at + DTYPE_OFFSET, dtype.code);
        b.putLong(at + VERSION_OFFSET, version);
        b.putLong(at + OFFSET_OFFSET, offset);
        b.putLong(at + TOTAL_LENGTH_OFFSET, total);
        b.putInt(at + CRC_OFFSET, crc);
        b.putInt(at + PAYLOAD_LENGTH_OFFSET, payload);
    }

    static int magic(DirectBuffer b, int at) {
        return b.getInt(at + MAGIC_OFFSET);
    }

    static int dtypeCode(DirectBuffer b, int at) {
        return b.getInt(at + DTYPE_OFFSET);
    }

    static long version(DirectBuffer b, int at) {
        return b.getLong(at + VERSION_OFFSET);
    }

    static long offset(DirectBuffer b, int at) {
        return b.getLong(at + OFFSET_OFFSET);
    }

    static long totalLength(DirectBuffer b, int at) {
        return b.getLong(at + TOTAL_LENGTH_OFFSET);
    }

    static int crc(DirectBuffer b, int at) {
        return b.getInt(at + CRC_OFFSET);
    }

    static int payloadLength(DirectBuffer b, int at) {
        return b.getInt(at + PAYLOAD_LENGTH_OFFSET);
    }

    /**
     * The payload of the chunk at {@code offset}: at most {@code maxPayload} bytes, to the end of the image, and never
     * across a multiple of {@link FlatWeights#MIN_SEGMENT_BYTES}. The publisher cuts with this; a subscriber drops a
     * chunk that breaks it.
     */
    static int payloadAt(long offset, long total, int maxPayload) {
        long toBoundary = FlatWeights.MIN_SEGMENT_BYTES - (offset & (FlatWeights.MIN_SEGMENT_BYTES - 1));
        return (int) Math.min(Math.min(maxPayload, total - offset), toBoundary);
    }

    /** True if {@code [offset, offset + payload)} crosses a multiple of the smallest segment. */
    static boolean crossesSegment(long offset, int payload) {
        return payload > FlatWeights.MIN_SEGMENT_BYTES - (offset & (FlatWeights.MIN_SEGMENT_BYTES - 1));
    }
}
