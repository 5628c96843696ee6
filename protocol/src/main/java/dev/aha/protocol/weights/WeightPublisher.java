package dev.aha.protocol.weights;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's end of the weight plane. {@link #publish} hands the image over and returns: the caller never waits
 * on a subscriber, only on a pointer swap. A sender thread of its own then takes the newest image (narrowing it to
 * bfloat16 first when the wire dtype says so), streams it in chunks with {@link ExclusivePublication#tryClaim} (each
 * chunk written once, straight from its segment into the log buffer), computes the CRC32C as it goes (the last chunk
 * carries it, so checksumming overlaps sending), and serves subscribers' requests for the current version.
 *
 * <p>A newer version published during a transfer abandons the older one. A transfer that makes no progress for
 * {@code send-timeout} (a subscriber stopped reading) is abandoned too; subscribers that missed it ask again.
 */
public final class WeightPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WeightPublisher.class);
    private static final int CHUNKS_PER_TURN = 32;

    private final WeightPlaneSettings settings;
    private final ExclusivePublication data;
    private final Subscription control;
    private final Thread sender;
    private final Object lock = new Object();
    private final AtomicLong transfersCompleted = new AtomicLong();
    private final AtomicLong transfersAbandoned = new AtomicLong();
    private final AtomicLong resendRequests = new AtomicLong();
    private final BufferClaim claim = new BufferClaim();
    private final int maxPayload;

    // written under lock by publish(), taken by the sender
    private FlatWeights spare;
    private long spareVersion = -1;
    private long lastPublishedVersion = -1;

    // sender thread only
    private final CRC32C crc = new CRC32C();
    private final WireImage wire;
    private FlatWeights current;
    private long currentVersion = -1;
    private long sendingOffset = -1;
    private long lastProgressNanos;
    private boolean resendRequested;
    private volatile boolean running = true;

    public WeightPublisher(Aeron aeron, WeightPlaneSettings settings) {
        this.settings = settings;
        this.wire = new WireImage(settings.wireDtype());
        this.data = aeron.addExclusivePublication(settings.publisherDataChannel(), settings.dataStreamId());
        this.control = aeron.addSubscription(settings.controlChannel(), settings.controlStreamId());
        this.maxPayload = data.maxPayloadLength() - ChunkHeader.LENGTH;
        this.sender = new Thread(this::run, "aha-weight-sender");
        sender.setDaemon(true);
        sender.setUncaughtExceptionHandler((t, e) -> LOG.error("the weight sender died", e));
        sender.start();
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

    /** Snapshots sent to the end, abandoned (superseded or stalled), and subscriber requests served. */
    public long transfersCompleted() {
        return transfersCompleted.get();
    }

    public long transfersAbandoned() {
        return transfersAbandoned.get();
    }

    public long resendRequests() {
        return resendRequests.get();
    }

    private void run() {
        IdleStrategy idle = settings.idleStrategy();
        while (running) {
            int work;
            try {
                work = turn();
            } catch (RuntimeException e) {
                // the learner goes on training: drop this transfer, the next version or request starts afresh
                LOG.error("weight sender: version {} abandoned", currentVersion, e);
                transfersAbandoned.incrementAndGet();
                sendingOffset = -1;
                work = 0;
            }
            idle.idle(work);
        }
    }

    private int turn() {
        int work = control.poll((buffer, offset, length, header) -> {
            resendRequested = true;
            resendRequests.incrementAndGet();
        }, 16);
        work += takeNewest();
        if (sendingOffset < 0 && resendRequested && current != null) {
            startTransfer();
        }
        if (sendingOffset >= 0) {
            work += sendChunks();
        }
        return work;
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
        startTransfer();
        return 1;
    }

    private void startTransfer() {
        resendRequested = false;
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
                LOG.error("weight publication unusable ({}); stopping the sender", result);
                running = false;
                return sent;
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
        int at = claim.offset();
        ByteBuffer bytes = current.slice(sendingOffset, payload); // never crosses a segment end
        claim.buffer().putBytes(at + ChunkHeader.LENGTH, bytes, 0, payload);
        crc.update(bytes);
        boolean last = sendingOffset + payload == total;
        ChunkHeader.write(claim.buffer(), at, settings.wireDtype(), currentVersion, sendingOffset, total,
                last ? (int) crc.getValue() : 0, payload);
    }

    @Override
    public void close() {
        running = false;
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        data.close();
        control.close();
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
