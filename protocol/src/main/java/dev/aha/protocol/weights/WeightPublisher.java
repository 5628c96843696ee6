package dev.aha.protocol.weights;

import dev.aha.protocol.util.LogThrottle;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's end of the weight plane. {@link #publish} hands the image over and returns: the caller never waits
 * on a subscriber, only on a pointer swap. A sender agent of its own then takes the newest image (narrowing it to
 * bfloat16 first when the wire dtype says so), streams it in chunks with {@link ExclusivePublication#tryClaim} (each
 * chunk written once, straight from its segment into the log buffer, then sealed: header CRC, and with a secret a
 * MAC), computes the CRC32C as it goes (the last chunk carries it, so checksumming overlaps sending), and serves
 * subscribers' requests for the current version through a {@link ResendGate}: only announced subscribers, at most
 * one resend per interval.
 *
 * <p>A newer version published during a transfer abandons the older one. A transfer that makes no progress for
 * {@code send-timeout} (a subscriber stopped reading) is abandoned too; subscribers that missed it ask again. A
 * failing duty cycle abandons the transfer in progress, is logged and counted ({@link #errors()}), and the sender
 * carries on.
 */
public final class WeightPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WeightPublisher.class);
    private static final int CHUNKS_PER_TURN = 32;
    private static final int CONTROL_MESSAGES_PER_TURN = 16;
    /** Subscribers renew their place with a hello every stall timeout: this many missed, and it may be taken. */
    private static final int FORGET_AFTER_HELLOS = 10;

    private final WeightPlaneSettings settings;
    private final ExclusivePublication data;
    private final Subscription control;
    private final PlaneErrors errors = new PlaneErrors(LOG, "weight sender");
    private final AgentRunner runner;
    private final Object lock = new Object();
    private final AtomicLong transfersCompleted = new AtomicLong();
    private final AtomicLong transfersAbandoned = new AtomicLong();
    private final AtomicLong resendRequests = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final AtomicLong requestsLimited = new AtomicLong();
    private final AtomicLong controlDropped = new AtomicLong();

    // written under lock by publish(), taken by the sender
    private FlatWeights spare;
    private long spareVersion = -1;
    private long lastPublishedVersion = -1;

    public WeightPublisher(Aeron aeron, WeightPlaneSettings settings) {
        this.settings = settings;
        this.data = aeron.addExclusivePublication(settings.publisherDataChannel(), settings.dataStreamId());
        this.control = aeron.addSubscription(settings.controlChannel(), settings.controlStreamId());
        this.runner = PlaneAgents.start(new Sender(), settings.idleStrategy(), errors);
    }

    /**
     * Hands version {@code version} of the float32 image to the sender and returns at once (bound on the caller: a
     * lock held only for a pointer swap). The plane owns {@code image} from now on: the caller must not write to it
     * again. An image not yet taken by the sender is replaced by this newer one. Versions must increase: subscribers
     * never apply a version at or below one they hold.
     */
    public void publish(long version, FlatWeights image) {
        settings.wireDtype().wireBytes(image.size()); // whole floats, not empty
        synchronized (lock) {
            if (version <= lastPublishedVersion) {
                throw new IllegalArgumentException("version " + version + " after " + lastPublishedVersion
                        + ": versions must increase");
            }
            lastPublishedVersion = version;
            spare = image;
            spareVersion = version;
        }
    }

    /** Snapshots sent to the end, and abandoned (superseded, stalled, or cut short by an error). */
    public long transfersCompleted() {
        return transfersCompleted.get();
    }

    public long transfersAbandoned() {
        return transfersAbandoned.get();
    }

    /** Requests for the current version accepted from known subscribers. */
    public long resendRequests() {
        return resendRequests.get();
    }

    /** Resends started: at most one per resend interval, however many requests came. */
    public long resends() {
        return resends.get();
    }

    /** Requests from known subscribers dropped because that subscriber was resent the version within the interval. */
    public long requestsLimited() {
        return requestsLimited.get();
    }

    /** Control messages dropped: malformed, unauthenticated, or from no announced subscriber. */
    public long controlDropped() {
        return controlDropped.get();
    }

    /** Failed duty cycles of the sender (each logged; the sender carries on). */
    public long errors() {
        return errors.count();
    }

    @Override
    public void close() {
        PlaneAgents.stop(runner, LOG);
        data.close();
        control.close();
    }

    /** The sender thread's work: requests, then the newest version, then chunks of the transfer in progress. */
    private final class Sender implements Agent {
        private final PlaneMac mac = PlaneMac.of(settings.secret().value());
        private final ChunkHeader.Seal seal = new ChunkHeader.Seal(mac);
        private final ResendGate gate = new ResendGate(settings.resendInterval().toNanos(),
                settings.stallTimeout().toNanos() * FORGET_AFTER_HELLOS, mac);
        private final LogThrottle unauthenticatedLog = new LogThrottle(Duration.ofSeconds(1));
        private final FragmentHandler onControl = this::onControl;
        private final BufferClaim claim = new BufferClaim();
        private final CRC32C crc = new CRC32C();
        private final WireImage wire = new WireImage(settings.wireDtype());
        private final int maxPayload = settings.maxChunkPayload();
        private FlatWeights current;
        private long currentVersion = -1;
        private long sendingOffset = -1;
        private long lastProgressNanos;

        @Override
        public String roleName() {
            return "aha-weight-sender";
        }

        @Override
        public int doWork() {
            try {
                int work = control.poll(onControl, CONTROL_MESSAGES_PER_TURN);
                work += takeNewest();
                if (sendingOffset < 0 && current != null && gate.takeResend(System.nanoTime())) {
                    resends.incrementAndGet();
                    startTransfer();
                }
                if (sendingOffset >= 0) {
                    work += sendChunks();
                }
                return work;
            } catch (RuntimeException e) {
                abandonAfterError();
                throw e; // to the runner's error handler, which logs and counts it
            }
        }

        /** The learner goes on training: this transfer is dropped, the next version or request starts afresh. */
        private void abandonAfterError() {
            if (sendingOffset >= 0) {
                transfersAbandoned.incrementAndGet();
                sendingOffset = -1;
            }
        }

        private void onControl(DirectBuffer buffer, int offset, int length, Header header) {
            // Aeron would hand an exception thrown here to the client's error handler, out of our sight and counts
            try {
                judge(buffer, offset, length, header.sessionId());
            } catch (RuntimeException e) {
                errors.onError(e);
            }
        }

        private void judge(DirectBuffer buffer, int offset, int length, int sessionId) {
            switch (gate.accept(buffer, offset, length, sessionId, currentVersion, System.nanoTime())) {
                case HELLO, CURRENT -> { }
                case RESEND -> resendRequests.incrementAndGet();
                case LIMITED -> requestsLimited.incrementAndGet();
                case MALFORMED, UNKNOWN -> controlDropped.incrementAndGet();
                case UNAUTHENTICATED -> {
                    long n = controlDropped.incrementAndGet();
                    long unlogged = unauthenticatedLog.admit(System.nanoTime());
                    if (unlogged >= 0) {
                        LOG.error(mac == null
                                ? "a control message comes signed but this publisher has no aha.weights.secret: every "
                                        + "node must share it; ignored ({} control messages dropped, {} not logged)"
                                : "a control message failed authentication (another aha.weights.secret, none, or a "
                                        + "forger); ignored ({} control messages dropped, {} not logged)", n, unlogged);
                    }
                }
            }
        }

        /** Swaps a newly published image in; a transfer in progress of an older one is abandoned. */
        private int takeNewest() {
            FlatWeights image;
            long version;
            synchronized (lock) {
                if (spare == null) {
                    return 0;
                }
                image = spare;
                version = spareVersion;
                spare = null;
            }
            if (sendingOffset >= 0) {
                transfersAbandoned.incrementAndGet();
            }
            current = wire.of(image);
            currentVersion = version;
            gate.answered();
            startTransfer();
            return 1;
        }

        private void startTransfer() {
            crc.reset();
            sendingOffset = 0;
            lastProgressNanos = System.nanoTime();
        }

        private int sendChunks() {
            long total = current.size();
            int sent = 0;
            while (sent < CHUNKS_PER_TURN && sendingOffset < total) {
                int payload = ChunkHeader.payloadAt(sendingOffset, total, maxPayload);
                wire.ready(sendingOffset + payload);
                long result = data.tryClaim(ChunkHeader.LENGTH + payload, claim);
                if (result > 0) {
                    try {
                        writeChunk(payload, total);
                    } catch (RuntimeException e) {
                        claim.abort(); // a claimed, unfinished frame would block the stream
                        throw e;
                    }
                    claim.commit();
                    sendingOffset += payload;
                    lastProgressNanos = System.nanoTime();
                    sent++;
                } else if (result == Publication.NOT_CONNECTED) {
                    sendingOffset = -1; // nobody listening: a subscriber asks for the current version when it joins
                    return sent;
                } else if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                    throw new AgentTerminationException("weight publication unusable (" + result + ")");
                } else {
                    if (System.nanoTime() - lastProgressNanos > settings.sendTimeout().toNanos()) {
                        LOG.warn("abandoning version {} after {} without progress (a subscriber stopped reading)",
                                currentVersion, settings.sendTimeout());
                        transfersAbandoned.incrementAndGet();
                        sendingOffset = -1;
                    }
                    return sent; // back-pressured or admin action: try again next turn
                }
            }
            if (sendingOffset >= total) {
                sendingOffset = -1;
                transfersCompleted.incrementAndGet();
            }
            return sent;
        }

        private void writeChunk(int payload, long total) {
            MutableDirectBuffer b = claim.buffer();
            int at = claim.offset();
            ByteBuffer bytes = current.slice(sendingOffset, payload); // never crosses a segment end
            b.putBytes(at + ChunkHeader.LENGTH, bytes, 0, payload);
            crc.update(bytes);
            boolean last = sendingOffset + payload == total;
            ChunkHeader.write(b, at, settings.wireDtype(), currentVersion, sendingOffset, total,
                    last ? (int) crc.getValue() : 0, payload);
            seal.seal(b, at);
        }
    }

    /**
     * What goes on the wire for a float32 image: the image itself, or its bfloat16 narrowing in a half-size buffer
     * kept from version to version (the sender is its only user; resends of a version reuse it). Narrowing runs on
     * the sender, a piece at a time just ahead of the chunks that carry it, so it overlaps sending instead of
     * delaying the first chunk by a pass over the whole image (seconds at 6 GB).
     */
    private static final class WireImage {
        private final WireDtype dtype;
        private FlatWeights source;
        private FlatWeights narrowed;
        private long narrowedUpTo;

        WireImage(WireDtype dtype) {
            this.dtype = dtype;
        }

        /** The wire image of a newly taken version (for bf16 not yet narrowed: see {@link #ready}). */
        FlatWeights of(FlatWeights image) {
            if (dtype == WireDtype.F32) {
                return image;
            }
            long bytes = dtype.wireBytes(image.size());
            if (narrowed == null || narrowed.size() != bytes || narrowed.segmentShift() != image.segmentShift()) {
                narrowed = null; // let the old one go before taking as much again
                narrowed = FlatWeights.allocate(bytes, image.segmentShift());
            }
            source = image;
            narrowedUpTo = 0;
            return narrowed;
        }

        /** Makes wire bytes up to {@code end} ready to send, in whole pieces of the smallest segment. */
        void ready(long end) {
            while (dtype == WireDtype.BF16 && narrowedUpTo < end) {
                long piece = Math.min(FlatWeights.MIN_SEGMENT_BYTES, narrowed.size() - narrowedUpTo);
                Bf16.narrow(source, narrowed, narrowedUpTo, piece);
                narrowedUpTo += piece;
            }
        }
    }
}
