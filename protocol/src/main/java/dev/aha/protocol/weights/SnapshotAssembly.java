package dev.aha.protocol.weights;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;

/**
 * A subscriber's receive side without the threads and the transport: it checks every chunk that arrives, writes a
 * good one straight into its offset of a preallocated receive buffer (a chunk never crosses a segment end), runs the
 * CRC32C along, and at the last byte says whether the version is complete and intact. Versions only move forward.
 * Used by one thread.
 *
 * <p>Each chunk passes, in this order, before any of its bytes reach the buffer: its length, magic and header CRC
 * (before a field is read); its fields against each other, the MTU and the segment cut; whether its version is still
 * of interest; with a secret, its MAC; then the kind, dtype and size this subscriber was made for; and the label
 * (kind and digests) of the transfer's first chunk, which every later chunk must repeat. Nothing a chunk says
 * changes the assembly's state before the checks that could reject it have passed.
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
        /** A chunk whose header is damaged or contradicts itself, its length or the MTU: see {@link #malformation()}. */
        MALFORMED,
        /** With a secret: a chunk without a MAC or with one that does not verify (another secret, or a forger). */
        UNAUTHENTICATED,
        /** A version this subscriber cannot read (another kind, dtype, size or secret): see {@link #refusal()}. */
        REFUSED
    }

    private final WireDtype dtype;
    private final SnapshotKind kind;
    private final long imageBytes;
    private final long wireBytes;
    private final int maxPayload;
    private final boolean authenticated;
    private final ChunkHeader.Seal seal;
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
    /** The open (or last completed) transfer's label, and its header bytes that every chunk of it repeats. */
    private SnapshotLabel label;
    private byte[] labelBytes;
    private String refusal;
    private String malformation;

    /**
     * @param kind the only kind of snapshot this subscriber takes
     * @param imageBytes size of the float32 image the listeners get (the wire image is smaller for bf16)
     * @param maxPayload the most payload a chunk may carry under this subscriber's MTU
     * @param mac the plane's MAC, or null when the plane runs without a secret
     */
    SnapshotAssembly(WireDtype dtype, SnapshotKind kind, long imageBytes, int segmentShift, int maxPayload,
            PlaneMac mac) {
        this.dtype = dtype;
        this.kind = kind;
        this.imageBytes = imageBytes;
        this.wireBytes = dtype.wireBytes(imageBytes);
        this.maxPayload = maxPayload;
        this.authenticated = mac != null;
        this.seal = new ChunkHeader.Seal(mac);
        this.receive = FlatWeights.allocate(wireBytes, segmentShift);
        this.image = dtype == WireDtype.F32 ? receive : FlatWeights.allocate(imageBytes, segmentShift);
        this.delivered = image.asReadOnly();
    }

    Outcome accept(DirectBuffer b, int at, int length) {
        if (length < ChunkHeader.LENGTH) {
            return malformed("shorter than a chunk header");
        }
        if (ChunkHeader.magic(b, at) != ChunkHeader.MAGIC) {
            return malformed("not a weight chunk (magic)");
        }
        if (!seal.headerCrcHolds(b, at)) {
            return malformed("header CRC32C mismatch");
        }
        long v = ChunkHeader.version(b, at);
        long offset = ChunkHeader.offset(b, at);
        long total = ChunkHeader.totalLength(b, at);
        int payload = ChunkHeader.payloadLength(b, at);
        int flags = ChunkHeader.flags(b, at);
        WireDtype sent = WireDtype.fromCode(ChunkHeader.dtypeCode(b, at));
        SnapshotKind sentKind = SnapshotKind.fromCode(ChunkHeader.kindCode(b, at));
        if (sent == null || sentKind == null || (flags & ~ChunkHeader.FLAG_MAC) != 0
                || ChunkHeader.reserved(b, at) != 0) {
            return malformed("unknown dtype, kind or flags");
        }
        if (v < 0 || payload <= 0 || payload > maxPayload || payload != length - ChunkHeader.LENGTH) {
            return malformed("version or payload length out of range");
        }
        if (total <= 0 || offset < 0 || offset > total - payload || ChunkHeader.crossesSegment(offset, payload)
                || sent == WireDtype.BF16 && ((offset | payload) & 1) != 0) { // half a bfloat16
            return malformed("offset or total out of range");
        }
        if (v <= lastApplied || v == refusedVersion) {
            return Outcome.IGNORED; // a resend for a slower peer, an old version or a replay, one already refused
        }
        boolean signed = (flags & ChunkHeader.FLAG_MAC) != 0;
        if (authenticated && !seal.macHolds(b, at)) {
            return Outcome.UNAUTHENTICATED; // refusing the version here would let a forger block the real one
        }
        if (!authenticated && signed) {
            return refuse(v, "version " + v + " comes signed: the publisher has an aha.weights.secret and this "
                    + "subscriber has none; every node must share it");
        }
        if (sentKind != kind) {
            return refuse(v, "version " + v + " is " + sentKind.description() + ", this subscriber takes "
                    + kind.description() + ": every node must share aha.lora (adapters on every node or on none) "
                    + "and the weight plane's stream ids");
        }
        if (sent != dtype || total != wireBytes) {
            return refuse(v, "version " + v + " arrives as " + sent.configName() + ", " + total + " bytes on the wire; "
                    + "this subscriber expects " + dtype.configName() + ", " + wireBytes + " bytes (a float32 image of "
                    + imageBytes + "): every node must share aha.weights.wire-dtype and the model");
        }
        if (offset == 0) {
            SnapshotLabel first = ChunkHeader.label(b, at, sentKind);
            if (first == null) {
                return malformed("digests that contradict the kind");
            }
            start(v, first, ChunkHeader.labelBytes(b, at)); // a newer version replaces any half-assembled older one
        }
        if (v != version || offset != expectedOffset || !ChunkHeader.sameLabel(b, at, labelBytes)) {
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

    private Outcome malformed(String why) {
        malformation = why;
        return Outcome.MALFORMED;
    }

    private Outcome refuse(long v, String why) {
        refusedVersion = v;
        refusal = why;
        return Outcome.REFUSED;
    }

    private void start(long v, SnapshotLabel first, byte[] firstBytes) {
        version = v;
        label = first;
        labelBytes = firstBytes;
        expectedOffset = 0;
        crc.reset();
    }

    /**
     * The version just completed, as float32: the f32 receive buffer itself, or the float32 buffer the bf16 chunks
     * were widened into as they came. Both are reused by the next version (a fresh model-sized buffer per version
     * would cost the page faults of touching it again), so the snapshot is valid until the next chunk is accepted.
     */
    WeightSnapshot snapshot() {
        return new WeightSnapshot(lastApplied, delivered, completedCrc, dtype, label);
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

    /** What was wrong with the last malformed chunk, or null if none was. */
    String malformation() {
        return malformation;
    }
}
