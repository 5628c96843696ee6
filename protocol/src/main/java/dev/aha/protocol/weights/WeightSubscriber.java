package dev.aha.protocol.weights;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rollout node's end of the weight plane. A thread of its own hands each chunk to a {@link SnapshotAssembly}
 * (validated, written straight into a preallocated receive buffer) and, once the last byte is in and the CRC32C
 * matches, tells the listener "version v is ready" (widened to float32 first if it crossed as bf16). The snapshot
 * lives in the subscriber's own buffers, reused by the next version: valid until the listener returns (see
 * {@link WeightListener}). A torn transfer
 * (a chunk missing or out of order), a corrupt one (CRC mismatch) or a stalled one is never applied: the subscriber
 * asks the publisher for the current version again. Malformed chunks are dropped and counted. A version in another
 * wire dtype or of another size is refused and logged as an error, never misread. Versions only move forward.
 */
public final class WeightSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WeightSubscriber.class);

    private final String name;
    private final WeightPlaneSettings settings;
    private final Subscription data;
    private final ExclusivePublication control;
    private final WeightListener listener;
    private final SnapshotAssembly assembly;
    private final Thread receiver;
    private final UnsafeBuffer request = new UnsafeBuffer(ByteBuffer.allocateDirect(WeightRequest.LENGTH));
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private volatile String refusal;
    private volatile boolean running = true;

    private long lastProgressNanos = System.nanoTime();
    private long lastRequestNanos;
    private int pendingReason = WeightRequest.JOINED;

    /**
     * @param localHost this node's interface for UDP (ignored for IPC)
     * @param imageBytes size of the float32 image, preallocated (a version of another size is refused)
     */
    public WeightSubscriber(Aeron aeron, WeightPlaneSettings settings, String name, String localHost, long imageBytes,
            WeightListener listener) {
        this(aeron, settings, name, localHost, imageBytes, listener, FlatWeights.SEGMENT_SHIFT);
    }

    /** @param segmentShift log2 of the receive buffer's segments (tests cross segment ends with small ones) */
    WeightSubscriber(Aeron aeron, WeightPlaneSettings settings, String name, String localHost, long imageBytes,
            WeightListener listener, int segmentShift) {
        this.name = name;
        this.settings = settings;
        this.listener = listener;
        this.assembly = new SnapshotAssembly(settings.wireDtype(), imageBytes, segmentShift);
        this.data = aeron.addSubscription(settings.subscriberDataChannel(localHost), settings.dataStreamId());
        this.control = aeron.addExclusivePublication(settings.controlChannel(), settings.controlStreamId());
        this.receiver = new Thread(this::run, "aha-weight-receiver-" + name);
        receiver.setDaemon(true);
        receiver.setUncaughtExceptionHandler((t, e) -> LOG.error("{}: the weight receiver died", name, e));
        receiver.start();
    }

    /** Versions applied (CRC matched). */
    public long applied() {
        return applied.get();
    }

    /** Transfers rejected: torn (a chunk missing or out of order) or corrupt (CRC mismatch); each is asked again. */
    public long rejected() {
        return rejected.get();
    }

    /** Chunks dropped because their header contradicts itself or its length. */
    public long dropped() {
        return dropped.get();
    }

    /** Versions refused because they came in another wire dtype or size than this subscriber was made for. */
    public long refused() {
        return refused.get();
    }

    /** Why the last version was refused, or null. */
    public String refusal() {
        return refusal;
    }

    public long requests() {
        return requests.get();
    }

    private void run() {
        IdleStrategy idle = settings.idleStrategy();
        // Commit the position after every chunk, not once per poll: the publisher's window (and on IPC the
        // driver's cleaning of the consumed log) then moves chunk by chunk, so a small term stays cache-resident.
        ControlledFragmentHandler onChunk = (buffer, offset, length, header) -> {
            onChunk(buffer, offset, length);
            return ControlledFragmentHandler.Action.COMMIT;
        };
        while (running) {
            int work;
            try {
                work = data.controlledPoll(onChunk, 64) + maybeRequest();
            } catch (RuntimeException e) {
                // a bug must not silence the node's weights: drop the open transfer and ask again
                LOG.error("{}: weight receiver error; asking for the current version again", name, e);
                assembly.abandon();
                pendingReason = WeightRequest.STALLED;
                work = 0;
            }
            idle.idle(work);
        }
    }

    private void onChunk(DirectBuffer buffer, int offset, int length) {
        switch (assembly.accept(buffer, offset, length)) {
            case PLACED -> lastProgressNanos = System.nanoTime();
            case COMPLETE -> {
                applied.incrementAndGet();
                pendingReason = 0;
                WeightSnapshot snapshot = assembly.snapshot();
                try {
                    listener.onReady(snapshot);
                } catch (RuntimeException e) {
                    LOG.error("{}: the weight listener failed on version {}", name, snapshot.version(), e);
                }
            }
            case IGNORED -> { }
            case TORN -> {
                rejected.incrementAndGet();
                LOG.debug("{}: torn transfer; asking for the current version again", name);
                pendingReason = WeightRequest.TORN;
            }
            case CORRUPT -> {
                rejected.incrementAndGet();
                LOG.warn("{}: a version failed its CRC32C check; asking for it again", name);
                pendingReason = WeightRequest.CORRUPT;
            }
            case MALFORMED -> {
                if (dropped.incrementAndGet() == 1) {
                    LOG.warn("{}: dropped a malformed weight chunk ({} bytes); further drops are only counted", name,
                            length);
                }
            }
            case REFUSED -> {
                refused.incrementAndGet();
                refusal = assembly.refusal();
                LOG.error("{}: refusing weights: {}", name, refusal);
            }
        }
    }

    /** Asks for the current version when joining, after a rejected transfer, or when a transfer stalls. */
    private int maybeRequest() {
        long now = System.nanoTime();
        if (pendingReason == 0 && assembly.inTransfer()
                && now - lastProgressNanos > settings.stallTimeout().toNanos()) {
            pendingReason = WeightRequest.STALLED;
            assembly.abandon();
        }
        if (pendingReason == 0 && assembly.lastApplied() < 0 && refusal == null
                && now - lastRequestNanos > settings.stallTimeout().toNanos()) {
            pendingReason = WeightRequest.JOINED; // still nothing: the first request may have gone before a publisher
        }
        if (pendingReason == 0 || now - lastRequestNanos < settings.stallTimeout().toNanos() / 4) {
            return 0;
        }
        WeightRequest.write(request, assembly.lastApplied(), pendingReason);
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
