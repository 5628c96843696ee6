package dev.aha.protocol.weights;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A publisher driven by hand, for fault injection: it writes the chunks it is told to, right or wrong, on the data
 * stream, and reads subscribers' requests on the control stream. What it sends by default is what
 * {@link WeightPublisher} sends; a {@link Tamper} changes a chunk (header or payload) before it is sealed (so a lie
 * in the header carries a valid header CRC, and MAC if the settings have a secret) and goes.
 */
final class RawPublisher implements AutoCloseable {

    /** Changes one chunk, laid out in {@code chunk} from 0 (header, then payload), before it is offered. */
    @FunctionalInterface
    interface Tamper {
        void apply(UnsafeBuffer chunk, long offset, boolean last);
    }

    static final Tamper NONE = (chunk, offset, last) -> { };

    private final ExclusivePublication data;
    private final Subscription control;
    private final UnsafeBuffer scratch;
    private final int maxPayload;
    private final ChunkHeader.Seal seal;

    RawPublisher(Aeron aeron, WeightPlaneSettings s) {
        data = aeron.addExclusivePublication(s.publisherDataChannel(), s.dataStreamId());
        control = aeron.addSubscription(s.controlChannel(), s.controlStreamId());
        maxPayload = s.maxChunkPayload();
        scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(data.maxPayloadLength()));
        seal = new ChunkHeader.Seal(PlaneMac.of(s.secret().value()));
    }

    /** Sends {@code wire} (already in {@code dtype}) as {@code version}, cut as the real publisher cuts it. */
    void send(long version, WireDtype dtype, FlatWeights wire, Tamper tamper) throws InterruptedException {
        long total = wire.size();
        int crc = wire.crc32c();
        for (long offset = 0; offset < total; ) {
            int payload = ChunkHeader.payloadAt(offset, total, maxPayload);
            boolean last = offset + payload == total;
            ChunkHeader.write(scratch, 0, dtype, SnapshotLabel.full(), version, offset, total, last ? crc : 0, payload);
            scratch.putBytes(ChunkHeader.LENGTH, wire.slice(offset, payload), 0, payload);
            tamper.apply(scratch, offset, last);
            seal();
            offer(ChunkHeader.LENGTH + payload);
            offset += payload;
        }
    }

    /** Offers {@code length} bytes of the scratch chunk as they are, waiting out back-pressure. */
    void offer(int length) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long result;
        while ((result = data.offer(scratch, 0, length)) < 0) {
            if (result == Publication.CLOSED || System.nanoTime() > deadline) {
                throw new IllegalStateException("could not offer a chunk: " + result);
            }
            Thread.sleep(1);
        }
    }

    /** Seals the chunk laid out in the scratch buffer as the real publisher would. */
    void seal() {
        seal.seal(scratch, 0);
    }

    /** The scratch chunk, for tests that lay out one by hand. */
    UnsafeBuffer scratch() {
        return scratch;
    }

    /** Waits for a subscriber's request for the given reason (see {@link WeightRequest}), skipping all else. */
    void awaitRequest(int reason, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean[] seen = {false};
        while (!seen[0]) {
            control.poll((buffer, offset, length, header) -> seen[0] |= WeightRequest.kind(buffer, offset)
                    == WeightRequest.REQUEST && WeightRequest.reason(buffer, offset) == reason, 16);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no request with reason " + reason + " in " + seconds + " s");
            }
            Thread.sleep(1);
        }
    }

    @Override
    public void close() {
        data.close();
        control.close();
    }
}
