package dev.aha.protocol.weights;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rollout node's end of the weight plane. A thread of its own writes each chunk straight into its offset of a
 * preallocated assembly buffer and, once the last byte is in and the CRC32C matches, tells the listener "version v
 * is ready". A torn transfer (a chunk missing or out of order), a corrupt one (CRC mismatch) or a stalled one is
 * never applied: the subscriber asks the publisher for the current version again. Versions only move forward.
 */
public final class WeightSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WeightSubscriber.class);

    private final String name;
    private final WeightPlaneSettings settings;
    private final Subscription data;
    private final ExclusivePublication control;
    private final WeightListener listener;
    private final Thread receiver;
    private final UnsafeBuffer request = new UnsafeBuffer(ByteBuffer.allocateDirect(WeightRequest.LENGTH));
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean corruptNext;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer assembly;
    private UnsafeBuffer assemblyView;
    private long assemblingVersion = -1;
    private long expectedOffset = -1;
    private long lastAppliedVersion = -1;
    private long lastProgressNanos = System.nanoTime();
    private long lastRequestNanos;
    private int pendingReason = WeightRequest.JOINED;

    /**
     * @param localHost this node's interface for UDP (ignored for IPC)
     * @param capacity bytes to preallocate: the snapshot size (it grows if a larger snapshot arrives)
     */
    public WeightSubscriber(Aeron aeron, WeightPlaneSettings settings, String name, String localHost, int capacity,
            WeightListener listener) {
        this.name = name;
        this.settings = settings;
        this.listener = listener;
        this.data = aeron.addSubscription(settings.subscriberDataChannel(localHost), settings.dataStreamId());
        this.control = aeron.addExclusivePublication(settings.controlChannel(), settings.controlStreamId());
        allocate(capacity);
        this.receiver = new Thread(this::run, "aha-weight-receiver-" + name);
        receiver.setDaemon(true);
        receiver.start();
    }

    /** Versions applied (CRC matched) and transfers rejected (torn or corrupt). */
    public long applied() {
        return applied.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public long requests() {
        return requests.get();
    }

    /** Test hook: flip one byte of the next transfer, to prove corruption is caught and the version refetched. */
    public void corruptNextTransfer() {
        corruptNext = true;
    }

    private void allocate(int capacity) {
        assembly = ByteBuffer.allocateDirect(Math.max(capacity, 1)).order(ByteOrder.LITTLE_ENDIAN);
        assemblyView = new UnsafeBuffer(assembly);
    }

    private void run() {
        IdleStrategy idle = settings.idleStrategy();
        // Commit the position after every chunk, not once per poll: the publisher's window (and on IPC the
        // driver's cleaning of the consumed log) then moves chunk by chunk, so a small term stays cache-resident.
        ControlledFragmentHandler onChunk = (buffer, offset, length, header) -> {
            onChunk(buffer, offset, length, header);
            return ControlledFragmentHandler.Action.COMMIT;
        };
        while (running) {
            int work = data.controlledPoll(onChunk, 64);
            work += maybeRequest();
            idle.idle(work);
        }
    }

    private void onChunk(DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header header) {
        long version = ChunkHeader.version(buffer, offset);
        long chunkOffset = ChunkHeader.offset(buffer, offset);
        long total = ChunkHeader.totalLength(buffer, offset);
        int payload = ChunkHeader.payloadLength(buffer, offset);
        if (version <= lastAppliedVersion) {
            return; // a resend for a slower peer, or an old version: nothing new
        }
        if (chunkOffset == 0) {
            if (total > assembly.capacity()) {
                allocate((int) total);
            }
            assemblingVersion = version; // a newer version replaces any half-assembled older one
            expectedOffset = 0;
            crc.reset();
        }
        if (version != assemblingVersion || chunkOffset != expectedOffset) {
            if (expectedOffset >= 0) {
                rejected.incrementAndGet();
                LOG.debug("{}: torn transfer of version {} at offset {} (expected version {} offset {})", name,
                        version, chunkOffset, assemblingVersion, expectedOffset);
                pendingReason = WeightRequest.TORN;
            }
            expectedOffset = -1; // wait for the start of a transfer
            return;
        }
        assemblyView.putBytes((int) chunkOffset, buffer, offset + ChunkHeader.LENGTH, payload);
        if (corruptNext) {
            corruptNext = false;
            assemblyView.putByte((int) chunkOffset, (byte) ~assemblyView.getByte((int) chunkOffset));
        }
        crc.update(assembly.duplicate().position((int) chunkOffset).limit((int) chunkOffset + payload));
        expectedOffset += payload;
        lastProgressNanos = System.nanoTime();
        if (expectedOffset == total) {
            expectedOffset = -1;
            ByteBuffer snapshot = assembly.duplicate();
            snapshot.position(0).limit((int) total);
            if ((int) crc.getValue() != ChunkHeader.crc(buffer, offset)) {
                rejected.incrementAndGet();
                LOG.warn("{}: version {} failed its CRC32C check; asking for it again", name, version);
                pendingReason = WeightRequest.CORRUPT;
                return;
            }
            lastAppliedVersion = version;
            applied.incrementAndGet();
            pendingReason = 0;
            listener.onReady(version, snapshot.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    /** Asks for the current version when joining, after a rejected transfer, or when a transfer stalls. */
    private int maybeRequest() {
        long now = System.nanoTime();
        if (pendingReason == 0 && expectedOffset >= 0 && now - lastProgressNanos > settings.stallTimeout().toNanos()) {
            pendingReason = WeightRequest.STALLED;
            expectedOffset = -1;
        }
        if (pendingReason == 0 && lastAppliedVersion < 0 && now - lastRequestNanos > settings.stallTimeout().toNanos()) {
            pendingReason = WeightRequest.JOINED; // still nothing: the first request may have gone before a publisher
        }
        if (pendingReason == 0 || now - lastRequestNanos < settings.stallTimeout().toNanos() / 4) {
            return 0;
        }
        WeightRequest.write(request, lastAppliedVersion, pendingReason);
        if (control.offer(request, 0, WeightRequest.LENGTH) > 0) {
            requests.incrementAndGet();
            pendingReason = 0;
        }
        lastRequestNanos = now;
        return 1;
    }

    @Override
    public void close() {
        running = false;
        try {
            receiver.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        data.close();
        control.close();
    }
}
