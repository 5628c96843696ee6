package dev.aha.protocol.weights;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;

/**
 * A subscriber's receive side without the threads and the transport: it checks every chunk that arrives, writes a
 * good one straight into its offset of a preallocated receive buffer (a chunk never crosses a segment end), runs the
 * CRC32C along, and at the last byte says whether the version is complete and intact. Versions only move forward.
 * Used by one thread.
 */
final class SnapshotAssembly {

    /** What one chunk did. */
    enum Outcome {
        /** Placed in the buffer; more to come. */
        PLACED,
        /** The last chunk of an intact version: {@link #snapshot()} has it. */
        COMPLETE,
        /** Nothing to do: a version already held, or the middle of a transfer this subscriber did not see begin. */
        IGNORED,
        /** A chunk missing or out of order: the open transfer is torn and dropped. */
        TORN,
        /** All bytes arrived but the CRC32C does not match: dropped. */
        CORRUPT,
        /** A chunk whose header contradicts itself or its length: dropped, and counted. */
        MALFORMED,
        /** A version this subscriber cannot read (another dtype or size): a misconfiguration, see {@link #refusal()}. */
        REFUSED
    }

    private final WireDtype dtype;
    private final long imageBytes;
    private final long wireBytes;
    private final CRC32C crc = new CRC32C();
    private final FlatWeights receive;
    /** The float32 image: the receive buffer itself for f32, the widening of it for bf16. */
    private final FlatWeights image;
    /** What listeners read: the image, read-only. */
    private final FlatWeights delivered;
    private long version = -1;
    private long expectedOffset = -1;
    private long lastApplied = -1;
    private long refusedVersion = -1;
    private int completedCrc;
    private String refusal;

    /** @param imageBytes size of the float32 image the listeners get (the wire image is smaller for bf16) */
    SnapshotAssembly(WireDtype dtype, long imageBytes, int segmentShift) {
        this.dtype = dtype;
        this.imageBytes = imageBytes;
        this.wireBytes = dtype.wireBytes(imageBytes);
        this.receive = FlatWeights.allocate(wireBytes, segmentShift);
        this.image = dtype == WireDtype.F32 ? receive : FlatWeights.allocate(imageBytes, segmentShift);
        this.delivered = image.asReadOnly();
    }

    Outcome accept(DirectBuffer b, int at, int length) {
        if (length < ChunkHeader.LENGTH || ChunkHeader.magic(b, at) != ChunkHeader.MAGIC) {
            return Outcome.MALFORMED;
        }
        long v = ChunkHeader.version(b, at);
        long offset = ChunkHeader.offset(b, at);
        long total = ChunkHeader.totalLength(b, at);
        int payload = ChunkHeader.payloadLength(b, at);
        WireDtype sent = WireDtype.fromCode(ChunkHeader.dtypeCode(b, at));
        if (sent == null || v < 0 || payload <= 0 || payload != length - ChunkHeader.LENGTH || total <= 0
                || offset < 0 || offset > total - payload || ChunkHeader.crossesSegment(offset, payload)
                || sent == WireDtype.BF16 && ((offset | payload) & 1) != 0) { // half a bfloat16
            return Outcome.MALFORMED;
        }
        if (v <= lastApplied || v == refusedVersion) {
            return Outcome.IGNORED; // a resend for a slower peer, an old version, or one already refused
        }
        if (sent != dtype || total != wireBytes) {
            refusedVersion = v;
            refusal = "version " + v + " arrives as " + sent.configName() + ", " + total + " bytes on the wire; this "
                    + "subscriber expects " + dtype.configName() + ", " + wireBytes + " bytes (a float32 image of "
                    + imageBytes + "): every node must share aha.weights.wire-dtype and the model";
            return Outcome.REFUSED;
        }
        if (offset == 0) {
            start(v); // a newer version replaces any half-assembled older one
        }
        if (v != version || offset != expectedOffset) {
            boolean wasOpen = expectedOffset >= 0;
            expectedOffset = -1; // wait for the start of a transfer
            return wasOpen ? Outcome.TORN : Outcome.IGNORED;
        }
        ByteBuffer target = receive.slice(offset, payload);
        b.getBytes(at + ChunkHeader.LENGTH, target, 0, payload);
        crc.update(target);
        if (dtype == WireDtype.BF16) {
            Bf16.widen(receive, image, offset, payload); // now, while the bytes are in cache; told only if the CRC holds
        }
        expectedOffset += payload;
        if (expectedOffset < total) {
            return Outcome.PLACED;
        }
        expectedOffset = -1;
        completedCrc = (int) crc.getValue();
        if (completedCrc != ChunkHeader.crc(b, at)) {
            return Outcome.CORRUPT;
        }
        lastApplied = v;
        return Outcome.COMPLETE;
    }

    private void start(long v) {
        version = v;
        expectedOffset = 0;
        crc.reset();
    }

    /**
     * The version just completed, as float32: the f32 receive buffer itself, or the float32 buffer the bf16 chunks
     * were widened into as they came. Both are reused by the next version (a fresh model-sized buffer per version
     * would cost the page faults of touching it again), so the snapshot is valid until the next chunk is accepted.
     */
    WeightSnapshot snapshot() {
        return new WeightSnapshot(lastApplied, delivered, completedCrc, dtype);
    }

    /** True while a transfer is open (its start seen, its end not yet). */
    boolean inTransfer() {
        return expectedOffset >= 0;
    }

    /** Drops the open transfer (it stalled). */
    void abandon() {
        expectedOffset = -1;
    }

    long lastApplied() {
        return lastApplied;
    }

    /** Why the last version was refused, or null if none was. */
    String refusal() {
        return refusal;
    }
}
