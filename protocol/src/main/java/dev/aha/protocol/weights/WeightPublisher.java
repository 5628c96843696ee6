package dev.aha.protocol.weights;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import java.nio.ByteBuffer;
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
 * on a subscriber, only on a pointer swap. A sender agent of its own then takes the newest image (narrowed to
 * bfloat16 as it goes when the wire dtype says so: {@link WireImage}), streams it in chunks with
 * {@link ExclusivePublication#tryClaim} (each chunk written once, straight from its segment into the log buffer, then
 * sealed: header CRC, and with a secret a MAC), computes the CRC32C as it goes (the last chunk carries it, so
 * checksumming overlaps sending), and serves subscribers' requests for the current version, judged by a
 * {@link ControlInbox}: only announced subscribers, at most one resend per interval.
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

    private final WeightPlaneSettings settings;
    private final ExclusivePublication data;
    private final Subscription control;
    private final PlaneErrors errors = new PlaneErrors(LOG, "weight sender");
    private final AgentRunner runner;
    private final Object lock = new Object();
    private final AtomicLong transfersCompleted = new AtomicLong();
    private final AtomicLong transfersAbandoned = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final PlaneMac mac;
    private final ControlInbox inbox;

    // written under lock by publish(), taken by the sender
    private FlatWeights spare;
    private SnapshotLabel spareLabel;
    private long spareVersion = -1;
    private long lastPublishedVersion = -1;

    public WeightPublisher(Aeron aeron, WeightPlaneSettings settings) {
        this.settings = settings;
        this.data = aeron.addExclusivePublication(settings.publisherDataChannel(), settings.dataStreamId());
        this.control = aeron.addSubscription(settings.controlChannel(), settings.controlStreamId());
        this.mac = PlaneMac.of(settings.secret().value());
        this.inbox = new ControlInbox(settings, mac);
        this.runner = PlaneAgents.start(new Sender(), settings.idleStrategy(), errors);
    }

    /**
     * Hands version {@code version} of the float32 image to the sender and returns at once (bound on the caller: a
     * lock held only for a pointer swap). The plane owns {@code image} from now on: the caller must not write to it
     * again. An image not yet taken by the sender is replaced by this newer one. Versions must increase: subscribers
     * never apply a version at or below one they hold.
     */
    public void publish(long version, FlatWeights image) {
        publish(version, image, SnapshotLabel.full());
    }

    /**
     * The same for an image that {@code label} says what it is (under LoRA: the base, or a version's adapters); every
     * chunk carries the label.
     */
    public void publish(long version, FlatWeights image, SnapshotLabel label) {
        settings.wireDtype().wireBytes(image.size()); // whole floats, not empty
        if (label == null) {
            throw new IllegalArgumentException("a published image needs a label");
        }
        synchronized (lock) {
            if (version <= lastPublishedVersion) {
                throw new IllegalArgumentException("version " + version + " after " + lastPublishedVersion
                        + ": versions must increase");
            }
            lastPublishedVersion = version;
            spare = image;
            spareLabel = label;
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
        return inbox.resendRequests();
    }

    /** Resends started: at most one per resend interval, however many requests came. */
    public long resends() {
        return resends.get();
    }

    /** Requests from known subscribers dropped because that subscriber was resent the version within the interval. */
    public long requestsLimited() {
        return inbox.requestsLimited();
    }

    /** Control messages dropped: malformed, unauthenticated, or from no announced subscriber. */
    public long controlDropped() {
        return inbox.dropped();
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
        private final ChunkHeader.Seal seal = new ChunkHeader.Seal(mac);
        private final FragmentHandler onControl = this::onControl;
        private final BufferClaim claim = new BufferClaim();
        private final CRC32C crc = new CRC32C();
        private final WireImage wire = new WireImage(settings.wireDtype());
        private final int maxPayload = settings.maxChunkPayload();
        private FlatWeights current;
        private SnapshotLabel currentLabel;
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
                if (sendingOffset < 0 && current != null && inbox.takeResend(System.nanoTime())) {
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
                inbox.judge(buffer, offset, length, header.sessionId(), currentVersion);
            } catch (RuntimeException e) {
                errors.onError(e);
            }
        }

        /** Swaps a newly published image in; a transfer in progress of an older one is abandoned. */
        private int takeNewest() {
            FlatWeights image;
            SnapshotLabel label;
            long version;
            synchronized (lock) {
                if (spare == null) {
                    return 0;
                }
                image = spare;
                label = spareLabel;
                version = spareVersion;
                spare = null;
            }
            if (sendingOffset >= 0) {
                transfersAbandoned.incrementAndGet();
            }
            current = wire.of(image);
            currentLabel = label;
            currentVersion = version;
            inbox.answered();
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
            ChunkHeader.write(b, at, settings.wireDtype(), currentLabel, currentVersion, sendingOffset, total,
                    last ? (int) crc.getValue() : 0, payload);
            seal.seal(b, at);
        }
    }
}
