package dev.aha.protocol.weights;

import com.typesafe.config.Config;
import io.aeron.protocol.DataHeaderFlyweight;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Transport settings of the weight plane (see {@code aha.weights} in reference.conf for each key).
 *
 * @param transport IPC (publisher and subscribers share a host and a driver) or UDP (unicast per subscriber)
 * @param host the publisher's address for UDP (the interface to bind)
 * @param dataPort UDP port the publisher's data stream is controlled from (subscribers connect here)
 * @param controlPort UDP port the publisher listens on for subscribers' requests
 * @param dataStreamId Aeron stream id of snapshot chunks
 * @param controlStreamId Aeron stream id of subscribers' requests
 * @param adapterStreamId Aeron stream id of LoRA adapters' chunks (the base goes on the data stream)
 * @param adapterControlStreamId Aeron stream id of requests for the adapters
 * @param mtu Aeron MTU: chunk size is the MTU less Aeron's and our headers
 * @param termLength Aeron term buffer length
 * @param receiverWindow UDP receiver window
 * @param socketBuffer UDP socket send/receive buffer size
 * @param sendTimeout longest the publisher's sender waits on a back-pressured subscriber for one chunk before it
 *     abandons the transfer (the subscriber re-requests)
 * @param stallTimeout a subscriber with a transfer open and no chunk for this long asks for the version again
 * @param idleSpins busy spins of an idle weight-plane thread (sender, receiver, driver) before it yields, then parks
 * @param maxIdlePark the longest an idle weight-plane thread parks: short is low latency, long is low CPU
 * @param wireDtype how the float32 image crosses the wire: as it is, or narrowed to bfloat16 (half the bytes);
 *     publisher and subscribers must agree, and a subscriber refuses a version sent in another dtype
 * @param resendInterval the publisher starts at most one resend per interval, and resends a version to one
 *     subscriber at most once per interval: what a flood of requests can cost
 * @param secret shared by every node to authenticate snapshots and requests (HMAC-SHA256), or empty for none
 */
public record WeightPlaneSettings(
        Transport transport,
        String host,
        int dataPort,
        int controlPort,
        int dataStreamId,
        int controlStreamId,
        int adapterStreamId,
        int adapterControlStreamId,
        int mtu,
        int termLength,
        int receiverWindow,
        int socketBuffer,
        Duration sendTimeout,
        Duration stallTimeout,
        int idleSpins,
        Duration maxIdlePark,
        WireDtype wireDtype,
        Duration resendInterval,
        Secret secret) {

    public enum Transport { IPC, UDP }

    /** The fewest bytes a secret may have: a short one falls to guessing against a single captured MAC. */
    public static final int MIN_SECRET_BYTES = 16;

    /** {@code aha.weights.secret}, kept out of {@link #toString()} so that settings can be logged. */
    public record Secret(String value) {

        public Secret {
            if (value == null) {
                throw new IllegalArgumentException("aha.weights.secret must be a string (empty for none)");
            }
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > 0 && bytes < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("aha.weights.secret must be empty or at least " + MIN_SECRET_BYTES
                        + " bytes, was " + bytes);
            }
        }

        public boolean isSet() {
            return !value.isEmpty();
        }

        @Override
        public String toString() {
            return isSet() ? "Secret[set]" : "Secret[none]";
        }
    }

    public WeightPlaneSettings {
        if (transport == null) {
            throw new IllegalArgumentException("aha.weights.transport must be IPC or UDP");
        }
        if (mtu < 4096 || mtu > 65504 || mtu % 32 != 0) {
            throw new IllegalArgumentException("aha.weights.mtu must be a multiple of 32 in [4096, 65504], was " + mtu);
        }
        if (Integer.bitCount(termLength) != 1 || termLength < 65536 || termLength / 8 < mtu) {
            throw new IllegalArgumentException("aha.weights.term-length must be a power of two >= 64k and >= 8 x mtu, was "
                    + termLength);
        }
        if (dataPort < 0 || dataPort > 65535 || controlPort < 0 || controlPort > 65535) {
            throw new IllegalArgumentException("aha.weights.data-port and control-port must be in [0, 65535], were "
                    + dataPort + " and " + controlPort);
        }
        if (transport == Transport.UDP && (dataPort <= 0 || controlPort <= 0 || dataPort == controlPort)) {
            throw new IllegalArgumentException("UDP needs distinct positive aha.weights.data-port and control-port, were "
                    + dataPort + " and " + controlPort);
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero() || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("aha.weights.send-timeout and stall-timeout must be positive");
        }
        if (idleSpins < 0 || maxIdlePark.toNanos() < 1_000) {
            throw new IllegalArgumentException("aha.weights.idle-spins must be >= 0 and max-idle-park >= 1us, were "
                    + idleSpins + " and " + maxIdlePark);
        }
        if (wireDtype == null) {
            throw new IllegalArgumentException("aha.weights.wire-dtype must be f32 or bf16");
        }
        if (resendInterval.isNegative() || resendInterval.isZero()) {
            throw new IllegalArgumentException("aha.weights.resend-interval must be positive, was " + resendInterval);
        }
        if (secret == null) {
            throw new IllegalArgumentException("aha.weights.secret must be given (an empty one for none)");
        }
        if (java.util.stream.IntStream.of(dataStreamId, controlStreamId, adapterStreamId, adapterControlStreamId)
                .distinct().count() < 4) {
            throw new IllegalArgumentException("aha.weights.data-stream-id, control-stream-id, adapter-stream-id and "
                    + "adapter-control-stream-id must differ, were " + dataStreamId + ", " + controlStreamId + ", "
                    + adapterStreamId + " and " + adapterControlStreamId);
        }
    }

    public static WeightPlaneSettings fromConfig(Config c) {
        return new WeightPlaneSettings(c.getEnum(Transport.class, "transport"), c.getString("host"),
                c.getInt("data-port"), c.getInt("control-port"), c.getInt("data-stream-id"),
                c.getInt("control-stream-id"), c.getInt("adapter-stream-id"), c.getInt("adapter-control-stream-id"),
                (int) c.getBytes("mtu").longValue(),
                (int) c.getBytes("term-length").longValue(), (int) c.getBytes("receiver-window").longValue(),
                (int) c.getBytes("socket-buffer").longValue(), c.getDuration("send-timeout"),
                c.getDuration("stall-timeout"), c.getInt("idle-spins"), c.getDuration("max-idle-park"),
                WireDtype.parse(c.getString("wire-dtype")), c.getDuration("resend-interval"),
                new Secret(c.getString("secret")));
    }

    public WeightPlaneSettings withTransport(Transport t, int dataPort, int controlPort) {
        return new WeightPlaneSettings(t, host, dataPort, controlPort, dataStreamId, controlStreamId, adapterStreamId,
                adapterControlStreamId, mtu, termLength, receiverWindow, socketBuffer, sendTimeout, stallTimeout,
                idleSpins, maxIdlePark, wireDtype, resendInterval, secret);
    }

    /** The same plane reaching a publisher on {@code learnerHost} (a joining node learns it from the cluster). */
    public WeightPlaneSettings withHost(String learnerHost) {
        return new WeightPlaneSettings(transport, learnerHost, dataPort, controlPort, dataStreamId, controlStreamId,
                adapterStreamId, adapterControlStreamId, mtu, termLength, receiverWindow, socketBuffer, sendTimeout,
                stallTimeout, idleSpins, maxIdlePark, wireDtype, resendInterval, secret);
    }

    /** The same plane with another idle trade-off (the benchmark measures the low-latency end). */
    public WeightPlaneSettings withIdle(int spins, Duration maxPark) {
        return new WeightPlaneSettings(transport, host, dataPort, controlPort, dataStreamId, controlStreamId,
                adapterStreamId, adapterControlStreamId, mtu, termLength, receiverWindow, socketBuffer, sendTimeout,
                stallTimeout, spins, maxPark, wireDtype, resendInterval, secret);
    }

    /** The same plane sending the image as {@code dtype}. */
    public WeightPlaneSettings withWireDtype(WireDtype dtype) {
        return new WeightPlaneSettings(transport, host, dataPort, controlPort, dataStreamId, controlStreamId,
                adapterStreamId, adapterControlStreamId, mtu, termLength, receiverWindow, socketBuffer, sendTimeout,
                stallTimeout, idleSpins, maxIdlePark, dtype, resendInterval, secret);
    }

    /**
     * The stream LoRA adapters travel on: the adapter stream ids in place of the data and control ones, on the same
     * channels, and always float32 (megabytes: narrowing them would save nothing worth the adapters' precision).
     */
    public WeightPlaneSettings forAdapters() {
        return new WeightPlaneSettings(transport, host, dataPort, controlPort, adapterStreamId, adapterControlStreamId,
                dataStreamId, controlStreamId, mtu, termLength, receiverWindow, socketBuffer, sendTimeout,
                stallTimeout, idleSpins, maxIdlePark, WireDtype.F32, resendInterval, secret);
    }

    /** The most payload one chunk carries: the MTU less Aeron's frame header and the chunk header. */
    int maxChunkPayload() {
        return mtu - DataHeaderFlyweight.HEADER_LENGTH - ChunkHeader.LENGTH;
    }

    /** How the plane's threads wait for work. */
    public IdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(idleSpins, idleSpins, 1_000, maxIdlePark.toNanos());
    }

    /**
     * UDP flow control paces the publisher by its slowest live subscriber. Aeron's default ("max", the fastest) lets
     * a slower subscriber fall behind what the log still holds: its stream is then stuck on a gap no retransmit can
     * fill and it never applies another version (seen with three rollout JVMs on 2 cores). A subscriber silent for
     * this long (a killed node) stops pacing the others.
     */
    static final String MIN_FLOW_RECEIVER_TIMEOUT = "2s";

    /** Where the publisher sends chunks from (UDP: multi-destination with dynamic subscriber control). */
    String publisherDataChannel() {
        return transport == Transport.IPC
                ? "aeron:ipc?term-length=" + termLength + "|mtu=" + mtu
                : "aeron:udp?control=" + host + ":" + dataPort + "|control-mode=dynamic|term-length=" + termLength
                        + "|mtu=" + mtu + "|so-sndbuf=" + socketBuffer + "|fc=min,t:" + MIN_FLOW_RECEIVER_TIMEOUT;
    }

    /** Where a subscriber receives chunks ({@code localHost}: its own interface for UDP). */
    String subscriberDataChannel(String localHost) {
        return transport == Transport.IPC
                ? "aeron:ipc"
                : "aeron:udp?endpoint=" + localHost + ":0|control=" + host + ":" + dataPort
                        + "|rcv-wnd=" + receiverWindow + "|so-rcvbuf=" + socketBuffer;
    }

    String controlChannel() {
        return transport == Transport.IPC ? "aeron:ipc" : "aeron:udp?endpoint=" + host + ":" + controlPort;
    }
}
