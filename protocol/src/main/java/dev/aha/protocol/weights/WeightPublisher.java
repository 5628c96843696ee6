package dev.aha.protocol.weights;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's end of the weight plane. {@link #publish} hands the snapshot over and returns: the caller never
 * waits on a subscriber, only on a pointer swap. A sender thread of its own then streams the newest snapshot in
 * chunks with {@link ExclusivePublication#tryClaim} (each chunk written once, straight into the log buffer), computes
 * the CRC32C as it goes (the last chunk carries it, so checksumming overlaps sending), and serves subscribers'
 * requests for the current version.
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
    private final int chunkPayload;

    // written under lock by publish(), taken by the sender
    private ByteBuffer spare;
    private final CRC32C crc = new CRC32C();
    private long spareVersion = -1;
    private boolean spareReady;

    // sender thread only
    private ByteBuffer current;
    private UnsafeBuffer currentView;
    private long currentVersion = -1;
    private long sendingOffset = -1;
    private long lastProgressNanos;
    private boolean resendRequested;
    private volatile boolean running = true;

    public WeightPublisher(Aeron aeron, WeightPlaneSettings settings) {
        this.settings = settings;
        this.data = aeron.addExclusivePublication(settings.publisherDataChannel(), settings.dataStreamId());
        this.control = aeron.addSubscription(settings.controlChannel(), settings.controlStreamId());
        this.chunkPayload = data.maxPayloadLength() - ChunkHeader.LENGTH;
        this.sender = new Thread(this::run, "aha-weight-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * Hands version {@code version} to the sender and returns at once (bound on the caller: a lock held only for a
     * pointer swap). The plane owns {@code snapshot} (position to limit) from now on: the caller must not modify it.
     * A snapshot not yet taken by the sender is replaced by this newer one.
     */
    public void publish(long version, ByteBuffer snapshot) {
        ByteBuffer owned = snapshot.slice().order(ByteOrder.LITTLE_ENDIAN);
        synchronized (lock) {
            spare = owned;
            spareVersion = version;
            spareReady = true;
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
            idle.idle(work);
        }
    }

    /** Swaps a newly published snapshot in; a transfer in progress of an older one is abandoned. */
    private int takeNewest() {
        synchronized (lock) {
            if (!spareReady) {
                return 0;
            }
            current = spare;
            currentVersion = spareVersion;
            spare = null;
            spareReady = false;
        }
        if (sendingOffset >= 0) {
            transfersAbandoned.incrementAndGet();
        }
        currentView = new UnsafeBuffer(current, 0, current.limit());
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
        long total = current.limit();
        int sent = 0;
        while (sent < CHUNKS_PER_TURN && sendingOffset < total) {
            int payload = (int) Math.min(chunkPayload, total - sendingOffset);
            long result = data.tryClaim(ChunkHeader.LENGTH + payload, claim);
            if (result > 0) {
                int at = claim.offset();
                crc.update(current.duplicate().position((int) sendingOffset).limit((int) sendingOffset + payload));
                boolean last = sendingOffset + payload == total;
                ChunkHeader.write(claim.buffer(), at, currentVersion, sendingOffset, total,
                        last ? (int) crc.getValue() : 0, payload);
                claim.buffer().putBytes(at + ChunkHeader.LENGTH, currentView, (int) sendingOffset, payload);
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
}
