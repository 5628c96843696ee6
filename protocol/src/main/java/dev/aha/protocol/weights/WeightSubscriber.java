package dev.aha.protocol.weights;

import dev.aha.protocol.util.LogThrottle;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rollout node's end of the weight plane. A receiver agent of its own hands each chunk to a {@link SnapshotAssembly}
 * (checked, header first, then written straight into a preallocated receive buffer) and, once the last byte is in and
 * the CRC32C matches, tells the listener "version v is ready" (widened to float32 first if it crossed as bf16). The
 * snapshot lives in the subscriber's own buffers, reused by the next version: valid until the listener returns (see
 * {@link WeightListener}). A torn transfer (a chunk missing or out of order), a corrupt one (CRC mismatch) or a
 * stalled one is never applied: the subscriber asks the publisher for the current version again, and again each
 * stall timeout while nothing comes. Malformed chunks are dropped and counted; with a secret, so are chunks whose MAC
 * does not verify. A version in another wire dtype or of another size is refused and logged as an error, never
 * misread; so is a version of another kind (a LoRA base or adapters where whole policies are expected, and the other
 * way round). Versions only move forward. A failing duty cycle or listener is logged and counted ({@link #errors()}):
 * the receiver drops the open transfer, asks again and carries on.
 *
 * <p>On the control stream the subscriber says hello first, under a random id, and again each stall timeout (so a
 * publisher that starts later, or again, learns of it); the publisher acts only on requests from subscribers it has
 * heard.
 */
public final class WeightSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WeightSubscriber.class);
    private static final int CHUNKS_PER_TURN = 64;

    private final String name;
    private final WeightPlaneSettings settings;
    private final Subscription data;
    private final ExclusivePublication control;
    private final WeightListener listener;
    private final PlaneErrors errors;
    private final AgentRunner runner;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong unauthenticated = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private volatile String refusal;
    private final LongSupplier clock;

    /**
     * @param localHost this node's interface for UDP (ignored for IPC)
     * @param imageBytes size of the float32 image, preallocated (a version of another size is refused)
     */
    public WeightSubscriber(Aeron aeron, WeightPlaneSettings settings, String name, String localHost, long imageBytes,
            WeightListener listener) {
        this(aeron, settings, name, localHost, SnapshotKind.FULL, imageBytes, listener);
    }

    /**
     * A subscriber that takes snapshots of {@code kind} only (under LoRA: the base on the data stream, adapters on
     * theirs) and refuses the others.
     */
    public WeightSubscriber(Aeron aeron, WeightPlaneSettings settings, String name, String localHost,
            SnapshotKind kind, long imageBytes, WeightListener listener) {
        this(aeron, settings, name, localHost, kind, imageBytes, listener, FlatWeights.SEGMENT_SHIFT,
                System::nanoTime);
    }

    /**
     * @param segmentShift log2 of the receive buffer's segments (tests cross segment ends with small ones)
     * @param clock the receiver's nanosecond clock for stalls, hellos and log throttling
     */
    WeightSubscriber(Aeron aeron, WeightPlaneSettings settings, String name, String localHost, long imageBytes,
            WeightListener listener, int segmentShift, LongSupplier clock) {
        this(aeron, settings, name, localHost, SnapshotKind.FULL, imageBytes, listener, segmentShift, clock);
    }

    WeightSubscriber(Aeron aeron, WeightPlaneSettings settings, String name, String localHost, SnapshotKind kind,
            long imageBytes, WeightListener listener, int segmentShift, LongSupplier clock) {
        this.name = name;
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
        this.errors = new PlaneErrors(LOG, "weight receiver " + name);
        Receiver receiver = new Receiver(kind, imageBytes, segmentShift);
        this.data = aeron.addSubscription(settings.subscriberDataChannel(localHost), settings.dataStreamId());
        this.control = aeron.addExclusivePublication(settings.controlChannel(), settings.controlStreamId());
        this.runner = PlaneAgents.start(receiver, settings.idleStrategy(), errors);
    }

    /** Versions applied (CRC matched). */
    public long applied() {
        return applied.get();
    }

    /** Transfers rejected: torn (a chunk missing or out of order) or corrupt (CRC mismatch); each is asked again. */
    public long rejected() {
        return rejected.get();
    }

    /** Chunks dropped because their header is damaged or contradicts itself, its length or the MTU. */
    public long dropped() {
        return dropped.get();
    }

    /** Chunks of a version already held or refused (resends for others, replays), or of a transfer seen mid-way. */
    public long ignored() {
        return ignored.get();
    }

    /** With a secret: chunks dropped because they carry no MAC or one that does not verify. */
    public long unauthenticated() {
        return unauthenticated.get();
    }

    /**
     * Versions refused because they came as another kind, wire dtype, size or secret than this subscriber was made
     * for.
     */
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

    /** Failed duty cycles and listener calls (each logged; the receiver carries on). */
    public long errors() {
        return errors.count();
    }

    @Override
    public void close() {
        PlaneAgents.stop(runner, LOG);
        data.close();
        control.close();
    }

    /** The receiver thread's work: chunks in, then a hello and a request out when they are due. */
    private final class Receiver implements Agent {
        private final PlaneMac mac = PlaneMac.of(settings.secret().value());
        private final SnapshotAssembly assembly;
        private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(WeightRequest.LENGTH));
        private final long id = new SecureRandom().nextLong();
        private final long stallNanos = settings.stallTimeout().toNanos();
        private final LogThrottle malformedLog = new LogThrottle(Duration.ofSeconds(1));
        private final LogThrottle unauthenticatedLog = new LogThrottle(Duration.ofSeconds(1));
        private final LogThrottle refusedLog = new LogThrottle(Duration.ofSeconds(1));
        // Commit the position after every chunk, not once per poll: the publisher's window (and on IPC the
        // driver's cleaning of the consumed log) then moves chunk by chunk, so a small term stays cache-resident.
        private final ControlledFragmentHandler onChunk = (buffer, offset, length, header) -> {
            // Aeron would hand an exception thrown here to the client's error handler, out of our sight and counts,
            // and deliver the same chunk again: a chunk that trips the receiver is dropped instead
            try {
                onChunk(buffer, offset, length);
            } catch (Exception e) {
                recover();
                errors.onError(e);
            }
            return ControlledFragmentHandler.Action.COMMIT;
        };
        private long sequence;
        private boolean announced;
        private long lastHelloNanos;
        private long lastProgressNanos = clock.getAsLong();
        private long lastRequestNanos;
        private int pendingReason = WeightRequest.JOINED;
        /** The reason of the last request sent, until a transfer answers it (0: none outstanding). */
        private int awaitedReason;

        Receiver(SnapshotKind kind, long imageBytes, int segmentShift) {
            assembly = new SnapshotAssembly(settings.wireDtype(), kind, imageBytes, segmentShift,
                    settings.maxChunkPayload(), mac);
        }

        @Override
        public String roleName() {
            return "aha-weight-receiver-" + name;
        }

        @Override
        public int doWork() {
            try {
                int work = data.controlledPoll(onChunk, CHUNKS_PER_TURN);
                long now = clock.getAsLong();
                return work + maybeAnnounce(now) + maybeRequest(now);
            } catch (RuntimeException e) {
                recover();
                throw e; // to the runner's error handler, which logs and counts it
            }
        }

        /** A bug must not silence the node's weights: drop the open transfer and ask again. */
        private void recover() {
            assembly.abandon();
            pendingReason = WeightRequest.STALLED;
        }

        private void onChunk(DirectBuffer buffer, int offset, int length) {
            switch (assembly.accept(buffer, offset, length)) {
                case PLACED -> {
                    lastProgressNanos = clock.getAsLong();
                    awaitedReason = 0;
                }
                case COMPLETE -> {
                    applied.incrementAndGet();
                    pendingReason = 0;
                    awaitedReason = 0;
                    tell(assembly.snapshot());
                }
                case IGNORED -> ignored.incrementAndGet();
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
                    long n = dropped.incrementAndGet();
                    long unlogged = malformedLog.admit(clock.getAsLong());
                    if (unlogged >= 0) {
                        LOG.warn("{}: dropped a malformed weight chunk ({} bytes: {}); {} dropped, {} not logged", name,
                                length, assembly.malformation(), n, unlogged);
                    }
                }
                case UNAUTHENTICATED -> {
                    long n = unauthenticated.incrementAndGet();
                    long unlogged = unauthenticatedLog.admit(clock.getAsLong());
                    if (unlogged >= 0) {
                        LOG.error("{}: dropped a weight chunk that failed authentication (another aha.weights.secret, "
                                + "none at the publisher, or a forger); {} dropped, {} not logged", name, n, unlogged);
                    }
                }
                case REFUSED -> {
                    refused.incrementAndGet();
                    refusal = assembly.refusal();
                    long unlogged = refusedLog.admit(clock.getAsLong());
                    if (unlogged >= 0) {
                        LOG.error("{}: refusing weights: {} ({} refusals not logged)", name, refusal, unlogged);
                    }
                }
            }
        }

        /** The listener's failure is its own: the version was applied, so nothing is asked again. */
        private void tell(WeightSnapshot snapshot) {
            try {
                listener.onReady(snapshot);
            } catch (Exception e) {
                errors.onError(e, "the weight listener failed on version " + snapshot.version());
            }
        }

        /** Says hello as soon as a publisher listens, and again each stall timeout. */
        private int maybeAnnounce(long now) {
            if (announced && now - lastHelloNanos < stallNanos || !control.isConnected()) {
                return 0;
            }
            if (send(WeightRequest.HELLO, 0)) {
                announced = true;
                lastHelloNanos = now;
            }
            return 1;
        }

        /**
         * Asks for the current version when joining, after a rejected transfer, when a transfer stalls, or when a
         * request went unanswered for a stall timeout (lost, rate-limited, or sent before the publisher heard hello).
         */
        private int maybeRequest(long now) {
            if (pendingReason == 0 && assembly.inTransfer() && now - lastProgressNanos > stallNanos) {
                pendingReason = WeightRequest.STALLED;
                assembly.abandon();
            }
            if (pendingReason == 0 && awaitedReason != 0 && refusal == null && now - lastRequestNanos > stallNanos) {
                pendingReason = awaitedReason;
            }
            if (pendingReason == 0 || !announced || now - lastRequestNanos < stallNanos / 4) {
                return 0;
            }
            if (send(WeightRequest.REQUEST, pendingReason)) {
                requests.incrementAndGet();
                awaitedReason = pendingReason;
                pendingReason = 0;
            }
            lastRequestNanos = now;
            return 1;
        }

        private boolean send(int kind, int reason) {
            WeightRequest.write(message, kind, id, ++sequence, assembly.lastApplied(), reason, mac);
            return control.offer(message, 0, WeightRequest.LENGTH) > 0;
        }
    }
}
