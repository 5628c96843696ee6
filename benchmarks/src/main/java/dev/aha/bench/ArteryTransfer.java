package dev.aha.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.protocol.weights.FlatWeights;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The baseline the weight plane replaces: the same bytes sent as Pekko messages between two ActorSystems over Artery
 * TCP on 127.0.0.1. Snapshots are cut into 1 MiB byte[] messages (Pekko's built-in byte-array serializer) on the
 * large-message lane, whose frame limit is raised to fit them; the receiver copies each into its offset of a
 * preallocated image and checks the CRC32C at the end, the same work the Aeron subscriber does. Always float32: it
 * is the baseline.
 */
final class ArteryTransfer implements AutoCloseable {

    static final int CHUNK = 1 << 20;

    private final ActorSystem<Void> senderSystem;
    private final ActorSystem<byte[]> receiverSystem;
    private final ActorRef<byte[]> remoteSink;
    private final FlatWeights target;
    private volatile Expectation expectation;

    private record Expectation(long total, int crc, CompletableFuture<Boolean> done) {}

    ArteryTransfer(long capacity) {
        target = FlatWeights.allocate(capacity);
        receiverSystem = ActorSystem.create(sink(), "artery-receiver", config(0));
        int port = receiverSystem.address().getPort().get();
        senderSystem = ActorSystem.create(Behaviors.empty(), "artery-sender", config(0));
        String path = "pekko://artery-receiver@127.0.0.1:" + port + "/user";
        remoteSink = ActorRefResolver.get(senderSystem).resolveActorRef(path);
    }

    private Behavior<byte[]> sink() {
        return Behaviors.setup(ctx -> {
            long[] received = {0};
            return Behaviors.receiveMessage(chunk -> {
                Expectation e = expectation;
                target.put(received[0], ByteBuffer.wrap(chunk));
                received[0] += chunk.length;
                if (received[0] == e.total()) {
                    received[0] = 0;
                    e.done().complete(target.crc32c() == e.crc());
                }
                return Behaviors.same();
            });
        });
    }

    private static Config config(int port) {
        return ConfigFactory.parseString(String.join("\n",
                        "pekko.actor.provider = remote",
                        "pekko.remote.artery.transport = tcp",
                        "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"",
                        "pekko.remote.artery.canonical.port = " + port,
                        "pekko.remote.artery.large-message-destinations = [\"/user\"]",
                        "pekko.remote.artery.advanced.maximum-large-frame-size = 2MiB",
                        "pekko.remote.artery.advanced.large-buffer-pool-size = 64",
                        "pekko.loglevel = WARNING",
                        "pekko.actor.allow-java-serialization = off"))
                .withFallback(ConfigFactory.load());
    }

    /** Sends {@code snapshot} and returns once the receiver has all of it and the CRC matched (or throws). */
    boolean send(FlatWeights snapshot, int crc) throws Exception {
        long total = snapshot.size();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        expectation = new Expectation(total, crc, done);
        for (long at = 0; at < total; at += CHUNK) {
            byte[] chunk = new byte[(int) Math.min(CHUNK, total - at)];
            snapshot.get(at, ByteBuffer.wrap(chunk));
            remoteSink.tell(chunk);
        }
        return done.get(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        senderSystem.terminate();
        receiverSystem.terminate();
    }
}
