package dev.aha.protocol.weights;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The header in front of every chunk of a weight snapshot on the data stream, little-endian:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Version (64)                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    Offset in snapshot (64)                    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Snapshot total length (64)                  |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |        CRC32C of whole snapshot, in the last chunk (32)       |
 *  +---------------------------------------------------------------+
 *  |                      Payload length (32)                      |
 *  +---------------------------------------------------------------+
 *  |                      Payload ...                             ...
 * </pre>
 *
 * Every chunk repeats version and total length, so a subscriber that joins mid-transfer knows what it is looking at
 * and can ask for the whole version again. The CRC travels in the last chunk only (0 in the others): the publisher
 * computes it while it sends, instead of reading the whole snapshot once more before the first chunk.
 */
final class ChunkHeader {

    static final int VERSION_OFFSET = 0;
    static final int OFFSET_OFFSET = 8;
    static final int TOTAL_LENGTH_OFFSET = 16;
    static final int CRC_OFFSET = 24;
    static final int PAYLOAD_LENGTH_OFFSET = 28;
    static final int LENGTH = 32;

    private ChunkHeader() {}

    static void write(MutableDirectBuffer b, int at, long version, long offset, long total, int crc, int payload) {
        b.putLong(at + VERSION_OFFSET, version);
        b.putLong(at + OFFSET_OFFSET, offset);
        b.putLong(at + TOTAL_LENGTH_OFFSET, total);
        b.putInt(at + CRC_OFFSET, crc);
        b.putInt(at + PAYLOAD_LENGTH_OFFSET, payload);
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
}
