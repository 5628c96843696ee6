package dev.aha.protocol.weights;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A subscriber's message on the control stream: "send me the current version" (on joining, after a torn or corrupt
 * transfer, or when a transfer stalls). 12 bytes: the version the subscriber last applied (8), and a reason code (4).
 */
final class WeightRequest {

    static final int LENGTH = 12;
    static final int JOINED = 1;
    static final int CORRUPT = 2;
    static final int TORN = 3;
    static final int STALLED = 4;

    private WeightRequest() {}

    static void write(MutableDirectBuffer b, long lastApplied, int reason) {
        b.putLong(0, lastApplied);
        b.putInt(8, reason);
    }

    static long lastApplied(DirectBuffer b, int at) {
        return b.getLong(at);
    }

    static int reason(DirectBuffer b, int at) {
        return b.getInt(at + 8);
    }
}
