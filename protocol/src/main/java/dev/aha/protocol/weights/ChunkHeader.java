package dev.aha.protocol.weights;

import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The header in front of every chunk of a weight snapshot on the data stream, little-endian, 152 bytes (a multiple of
 * 8, so payloads stay 8-byte aligned in Aeron's 32-byte-aligned frames):
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       Magic "AHW3" (32)                       |
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
 *  |                 Flags (32): bit 0, MAC present                |
 *  +---------------------------------------------------------------+
 *  |  Kind (32): 1 whole policy, 2 LoRA base, 3 LoRA adapters      |
 *  +---------------------------------------------------------------+
 *  |   SHA-256 of the LoRA base (256), zero for a whole policy    ...
 *  +---------------------------------------------------------------+
 *  |   SHA-256 of the adapters' layout (256), zero unless adapters ...
 *  +---------------------------------------------------------------+
 *  |                        Reserved, zero (32)                    |
 *  +---------------------------------------------------------------+
 *  |              CRC32C of header bytes 0 to 115 (32)             |
 *  +---------------------------------------------------------------+
 *  |  HMAC-SHA256 of header bytes 0 to 119, then the payload (256) |
 *  |             (zero when aha.weights.secret is empty)          ...
 *  +---------------------------------------------------------------+
 *  |                      Payload ...                             ...
 * </pre>
 *
 * Every chunk repeats dtype, kind, label, version and total length, so a subscriber that joins mid-transfer knows
 * what it is looking at and can ask for the whole version again, and one configured for another dtype, kind or model
 * size refuses the version instead of misreading it ({@link SnapshotLabel}: what a snapshot is). The image CRC
 * travels in the last chunk only (0 in the others): the publisher computes it while it sends, instead of reading the
 * whole image once more before the first chunk. The header's own CRC is checked before any field is read, so a
 * damaged header cannot steer a payload to a wrong offset; it is no defence against a forger, which the MAC is.
 * Offsets and lengths are 64-bit: images pass 2 GiB. No chunk crosses a multiple of
 * {@link FlatWeights#MIN_SEGMENT_BYTES}, so each lands inside one segment of the receiver's buffer.
 */
final class ChunkHeader {

    /**
     * "AHW3" read as a little-endian int: another layout (AHW2, before snapshots had kinds, included) is dropped, not
     * parsed.
     */
    static final int MAGIC = 'A' | 'H' << 8 | 'W' << 16 | '3' << 24;
    static final int FLAG_MAC = 1;

    static final int MAGIC_OFFSET = 0;
    static final int DTYPE_OFFSET = 4;
    static final int VERSION_OFFSET = 8;
    static final int OFFSET_OFFSET = 16;
    static final int TOTAL_LENGTH_OFFSET = 24;
    static final int CRC_OFFSET = 32;
    static final int PAYLOAD_LENGTH_OFFSET = 36;
    static final int FLAGS_OFFSET = 40;
    static final int KIND_OFFSET = 44;
    static final int DIGESTS_OFFSET = 48;
    static final int RESERVED_OFFSET = DIGESTS_OFFSET + SnapshotLabel.DIGESTS_LENGTH;
    static final int HEADER_CRC_OFFSET = RESERVED_OFFSET + 4;
    static final int MAC_OFFSET = HEADER_CRC_OFFSET + 4;
    static final int LENGTH = MAC_OFFSET + PlaneMac.LENGTH;

    private ChunkHeader() {}

    /** Writes the fields, flags clear; {@link Seal#seal} adds MAC flag, header CRC and MAC once the payload is in. */
    static void write(MutableDirectBuffer b, int at, WireDtype dtype, SnapshotLabel label, long version, long offset,
            long total, int crc, int payload) {
        b.putInt(at + MAGIC_OFFSET, MAGIC);
        b.putInt(at + DTYPE_OFFSET, dtype.code);
        b.putLong(at + VERSION_OFFSET, version);
        b.putLong(at + OFFSET_OFFSET, offset);
        b.putLong(at + TOTAL_LENGTH_OFFSET, total);
        b.putInt(at + CRC_OFFSET, crc);
        b.putInt(at + PAYLOAD_LENGTH_OFFSET, payload);
        b.putInt(at + FLAGS_OFFSET, 0);
        b.putInt(at + KIND_OFFSET, label.kind().code);
        label.writeDigests(b, at + DIGESTS_OFFSET);
        b.putInt(at + RESERVED_OFFSET, 0);
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

    static int flags(DirectBuffer b, int at) {
        return b.getInt(at + FLAGS_OFFSET);
    }

    static int kindCode(DirectBuffer b, int at) {
        return b.getInt(at + KIND_OFFSET);
    }

    static int reserved(DirectBuffer b, int at) {
        return b.getInt(at + RESERVED_OFFSET);
    }

    /** The label the chunk at {@code at} carries, or null when its digests contradict {@code kind}. */
    static SnapshotLabel label(DirectBuffer b, int at, SnapshotKind kind) {
        return SnapshotLabel.read(b, at + DIGESTS_OFFSET, kind);
    }

    /** True if the chunk at {@code at} says the same kind and digests as the header bytes in {@code first}. */
    static boolean sameLabel(DirectBuffer b, int at, byte[] first) {
        for (int i = 0; i < first.length; i++) {
            if (b.getByte(at + KIND_OFFSET + i) != first[i]) {
                return false;
            }
        }
        return true;
    }

    /** The kind and digest bytes of the chunk at {@code at}, to compare its transfer's later chunks with. */
    static byte[] labelBytes(DirectBuffer b, int at) {
        byte[] bytes = new byte[DIGESTS_OFFSET + SnapshotLabel.DIGESTS_LENGTH - KIND_OFFSET];
        b.getBytes(at + KIND_OFFSET, bytes);
        return bytes;
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

    /**
     * Seals chunks on the sending side and checks the seal on the receiving one: the header CRC, and with a secret the
     * MAC. Keeps scratch state: one per thread.
     */
    static final class Seal {
        private final PlaneMac mac;
        private final CRC32C crc = new CRC32C();
        private final byte[] fields = new byte[HEADER_CRC_OFFSET];

        /** @param mac the plane's MAC, or null to seal without one */
        Seal(PlaneMac mac) {
            this.mac = mac;
        }

        /** Seals the chunk at {@code at}, whose fields and payload are in place. */
        void seal(MutableDirectBuffer b, int at) {
            int others = flags(b, at) & ~FLAG_MAC;
            b.putInt(at + FLAGS_OFFSET, mac == null ? others : others | FLAG_MAC);
            b.putInt(at + HEADER_CRC_OFFSET, headerCrc(b, at));
            if (mac == null) {
                b.setMemory(at + MAC_OFFSET, PlaneMac.LENGTH, (byte) 0);
            } else {
                coverWithMac(b, at);
                mac.sign(b, at + MAC_OFFSET);
            }
        }

        boolean headerCrcHolds(DirectBuffer b, int at) {
            return b.getInt(at + HEADER_CRC_OFFSET) == headerCrc(b, at);
        }

        /** True if the chunk carries a MAC and it verifies (only for a seal made with a MAC). */
        boolean macHolds(DirectBuffer b, int at) {
            if ((flags(b, at) & FLAG_MAC) == 0) {
                return false;
            }
            coverWithMac(b, at);
            return mac.verify(b, at + MAC_OFFSET);
        }

        private void coverWithMac(DirectBuffer b, int at) {
            mac.update(b, at, MAC_OFFSET);
            mac.update(b, at + LENGTH, payloadLength(b, at));
        }

        private int headerCrc(DirectBuffer b, int at) {
            b.getBytes(at, fields);
            crc.reset();
            crc.update(fields);
            return (int) crc.getValue();
        }
    }
}
