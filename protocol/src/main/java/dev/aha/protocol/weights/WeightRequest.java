package dev.aha.protocol.weights;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A subscriber's message on the control stream, little-endian, 72 bytes: a hello ("I am subscriber {@code id}"),
 * sent on joining and then every stall timeout, or a request ("send me the current version"), sent on joining, after
 * a torn or corrupt transfer, or when a transfer stalls. The publisher resends only to subscribers it has heard a
 * hello from, on the same Aeron session, so a stray datagram cannot start a transfer.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       Magic "AHWR" (32)                       |
 *  +---------------------------------------------------------------+
 *  |                Kind (32): 1 hello, 2 request                  |
 *  +---------------------------------------------------------------+
 *  |            Subscriber id (64), random per subscriber          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |        Sequence (64), rising per subscriber: no replays       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Version last applied (64), or -1               |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |          Reason (32): 0 in a hello, JOINED .. STALLED         |
 *  +---------------------------------------------------------------+
 *  |                 Flags (32): bit 0, MAC present                |
 *  +---------------------------------------------------------------+
 *  |           HMAC-SHA256 of bytes 0 to 39 (256), or zero        ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class WeightRequest {

    /** "AHWR" read as a little-endian int. */
    static final int MAGIC = 'A' | 'H' << 8 | 'W' << 16 | 'R' << 24;
    static final int HELLO = 1;
    static final int REQUEST = 2;

    static final int JOINED = 1;
    static final int CORRUPT = 2;
    static final int TORN = 3;
    static final int STALLED = 4;

    static final int MAGIC_OFFSET = 0;
    static final int KIND_OFFSET = 4;
    static final int ID_OFFSET = 8;
    static final int SEQUENCE_OFFSET = 16;
    static final int LAST_APPLIED_OFFSET = 24;
    static final int REASON_OFFSET = 32;
    static final int FLAGS_OFFSET = 36;
    static final int MAC_OFFSET = 40;
    static final int LENGTH = MAC_OFFSET + PlaneMac.LENGTH;

    private WeightRequest() {}

    /** Writes a whole message at 0, MAC included when {@code mac} is not null. */
    static void write(MutableDirectBuffer b, int kind, long id, long sequence, long lastApplied, int reason,
            PlaneMac mac) {
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putInt(KIND_OFFSET, kind);
        b.putLong(ID_OFFSET, id);
        b.putLong(SEQUENCE_OFFSET, sequence);
        b.putLong(LAST_APPLIED_OFFSET, lastApplied);
        b.putInt(REASON_OFFSET, reason);
        b.putInt(FLAGS_OFFSET, mac == null ? 0 : ChunkHeader.FLAG_MAC);
        if (mac == null) {
            b.setMemory(MAC_OFFSET, PlaneMac.LENGTH, (byte) 0);
        } else {
            mac.update(b, 0, MAC_OFFSET);
            mac.sign(b, MAC_OFFSET);
        }
    }

    /** True if the message at {@code at} has the layout and values a subscriber writes (its MAC not checked). */
    static boolean wellFormed(DirectBuffer b, int at, int length) {
        if (length != LENGTH || b.getInt(at + MAGIC_OFFSET) != MAGIC || (flags(b, at) & ~ChunkHeader.FLAG_MAC) != 0
                || lastApplied(b, at) < -1) {
            return false;
        }
        int reason = reason(b, at);
        return switch (kind(b, at)) {
            case HELLO -> reason == 0;
            case REQUEST -> reason >= JOINED && reason <= STALLED;
            default -> false;
        };
    }

    /** True if the message carries a MAC and it verifies under {@code mac}. */
    static boolean macHolds(DirectBuffer b, int at, PlaneMac mac) {
        if ((flags(b, at) & ChunkHeader.FLAG_MAC) == 0) {
            return false;
        }
        mac.update(b, at, MAC_OFFSET);
        return mac.verify(b, at + MAC_OFFSET);
    }

    static int kind(DirectBuffer b, int at) {
        return b.getInt(at + KIND_OFFSET);
    }

    static long id(DirectBuffer b, int at) {
        return b.getLong(at + ID_OFFSET);
    }

    static long sequence(DirectBuffer b, int at) {
        return b.getLong(at + SEQUENCE_OFFSET);
    }

    static long lastApplied(DirectBuffer b, int at) {
        return b.getLong(at + LAST_APPLIED_OFFSET);
    }

    static int reason(DirectBuffer b, int at) {
        return b.getInt(at + REASON_OFFSET);
    }

    static int flags(DirectBuffer b, int at) {
        return b.getInt(at + FLAGS_OFFSET);
    }
}
