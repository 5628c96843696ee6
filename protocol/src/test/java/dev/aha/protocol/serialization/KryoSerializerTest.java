package dev.aha.protocol.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.aha.protocol.AhaMessage;
import dev.aha.protocol.pipeline.GroupEpisodes;
import dev.aha.protocol.pipeline.LeaseFailed;
import dev.aha.protocol.pipeline.RequestWork;
import dev.aha.protocol.pipeline.RolloutWork;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.pipeline.ScoredGroup;
import dev.aha.protocol.pipeline.VersionAdvanced;
import dev.aha.protocol.pipeline.WorkDone;
import dev.aha.protocol.telemetry.NodeReport;
import dev.aha.protocol.telemetry.ReportRequest;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message type round-trips over random contents; bad input fails with an exception, never a wrong message. */
class KryoSerializerTest {

    private static final int CASES = 300;
    private static ActorTestKit kit;
    private static KryoSerializer serializer;
    private static ActorRef<RolloutWork> rollout;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("kryo-test");
        serializer = new KryoSerializer((ExtendedActorSystem) Adapter.toClassic(kit.system()));
        rollout = kit.<RolloutWork>createTestProbe().ref();
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    static List<Function<Random, AhaMessage>> generators() {
        return List.of(
                r -> new RequestWork("rollout-" + r.nextInt(9), r.nextLong(), 1 + r.nextInt(8), rollout),
                r -> new RolloutWork(r.nextLong(), r.nextInt(5), text(r), text(r), 2 + r.nextInt(14), r.nextLong(),
                        route(r)),
                KryoSerializerTest::sampled,
                r -> {
                    SampledGroup g = sampled(r);
                    int n = g.groupSize();
                    return new ScoredGroup(g, doubles(r, n), floats(r, n), doubles(r, n), doubles(r, n), r.nextInt(3));
                },
                r -> new WorkDone(r.nextLong(), r.nextInt(4), WorkDone.Outcome.values()[r.nextInt(3)]),
                r -> new VersionAdvanced(r.nextLong(), r.nextLong()),
                r -> new LeaseFailed(r.nextLong(), r.nextInt(4), "rollout-" + r.nextInt(9), text(r)),
                r -> new NodeReport("10.0.0." + r.nextInt(9) + ":25520", "reward,rollout", r.nextLong(), r.nextLong(),
                        r.nextDouble(), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(),
                        r.nextLong(), r.nextLong()),
                r -> new ReportRequest(rollout.unsafeUpcast()));
    }

    @Test
    void shouldRoundTripEveryMessageTypeOverRandomContents() throws Exception {
        Random r = new Random(42);
        for (Function<Random, AhaMessage> g : generators()) {
            for (int i = 0; i < CASES; i++) {
                AhaMessage m = g.apply(r);
                String manifest = serializer.manifest(m);
                Object back = serializer.fromBinary(serializer.toBinary(m), manifest);
                assertEquivalent(m, back);
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                serializer.toBinary(m, buf);
                buf.flip();
                assertEquivalent(m, serializer.fromBinary(buf, manifest));
            }
        }
    }

    @Test
    void shouldBeTheSerializerPekkoPicksForAhaMessages() {
        var serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
        AhaMessage m = new WorkDone(1, 0, WorkDone.Outcome.USED);
        assertEquals(KryoSerializer.IDENTIFIER, serialization.findSerializerFor(m).identifier());
    }

    @Test
    void shouldKeepEveryShippedIdWhereItIs() {
        Kryo kryo = AhaKryoRegistry.create(ActorRefResolver.get(kit.system()));
        List<Class<?>> messages = List.of(RequestWork.class, RolloutWork.class, SampledGroup.class, ScoredGroup.class,
                WorkDone.class, VersionAdvanced.class, LeaseFailed.class, NodeReport.class, ReportRequest.class,
                GroupEpisodes.class);
        for (int i = 0; i < messages.size(); i++) {
            assertEquals(120 + i, kryo.getRegistration(messages.get(i)).getId(), messages.get(i).getSimpleName());
        }
        assertEquals(110, kryo.getRegistration(long[][].class).getId());
        assertEquals(111, kryo.getRegistration(boolean[][].class).getId());
    }

    @Test
    void shouldRefuseAnUnregisteredClassClearly() {
        record Stray(int x) implements AhaMessage {}
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(new Stray(1)));
        assertTrue(e.getMessage().contains("not registered in AhaKryoRegistry"), e.getMessage());
    }

    @Test
    void shouldFailCleanlyOnTruncatedOrCorruptedFrames() throws Exception {
        Random r = new Random(7);
        int checked = 0;
        for (Function<Random, AhaMessage> g : generators()) {
            for (int i = 0; i < 50; i++) {
                AhaMessage m = g.apply(r);
                String manifest = serializer.manifest(m);
                byte[] frame = serializer.toBinary(m);
                byte[] truncated = Arrays.copyOf(frame, r.nextInt(frame.length));
                assertThrows(NotSerializableException.class, () -> serializer.fromBinary(truncated, manifest));
                byte[] flipped = frame.clone();
                int at = r.nextInt(flipped.length);
                flipped[at] ^= (byte) (1 << r.nextInt(8));
                assertThrows(NotSerializableException.class, () -> serializer.fromBinary(flipped, manifest));
                checked++;
            }
        }
        assertEquals(50 * generators().size(), checked);
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[] {1, 2, 3, 4, 5}, "999"));
        byte[] ok = serializer.toBinary(new VersionAdvanced(1, 1));
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(ok, "not-a-number"));
    }

    @Test
    void shouldReportAnUnknownManifestOnlyWhenTheManifestIsUnknown() throws Exception {
        byte[] ok = serializer.toBinary(new VersionAdvanced(1, 1));
        for (String manifest : List.of("999", "not-a-number", "-1", "100")) { // 100 is int[]: no message
            NotSerializableException e = assertThrows(NotSerializableException.class,
                    () -> serializer.fromBinary(ok, manifest), manifest);
            assertTrue(e.getMessage().contains("unknown Aha message manifest '" + manifest + "'"), e.getMessage());
        }
    }

    @Test
    void shouldReportAPayloadWhoseDecodingThrowsNullPointerExceptionAsInvalidWithTheCause() throws Exception {
        // a frame with a sound checksum whose completions are null: SampledGroup's constructor dereferences them
        Kryo writer = AhaKryoRegistry.create(ActorRefResolver.get(kit.system()));
        writer.register(int[][].class, new Serializer<int[][]>(true) {
            @Override
            public void write(Kryo kryo, Output output, int[][] rows) {
                output.writeVarInt(0, true); // how Kryo writes a null array
            }

            @Override
            public int[][] read(Kryo kryo, Input input, Class<? extends int[][]> type) {
                throw new UnsupportedOperationException();
            }
        }, writer.getRegistration(int[][].class).getId());
        SampledGroup message = sampled(new Random(3));
        NotSerializableException e = assertThrows(NotSerializableException.class,
                () -> serializer.fromBinary(frame(writer, message), serializer.manifest(message)));
        assertTrue(e.getMessage().contains("invalid payload for Aha message SampledGroup"), e.getMessage());
        assertTrue(e.getMessage().contains("NullPointerException"), e.getMessage());
        assertFalse(e.getMessage().contains("unknown"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(causes(e).stream().anyMatch(NullPointerException.class::isInstance), "chained: " + causes(e));
    }

    @Test
    void shouldRefuseAnActorRefWithoutAPathRatherThanResolveItToDeadLetters() throws Exception {
        Kryo writer = AhaKryoRegistry.create(ActorRefResolver.get(kit.system()));
        writer.register(ActorRef.class, new Serializer<ActorRef<?>>() {
            @Override
            public void write(Kryo kryo, Output output, ActorRef<?> ref) {
                output.writeString(null);
            }

            @Override
            public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
                throw new UnsupportedOperationException();
            }
        }, writer.getRegistration(ActorRef.class).getId());
        RequestWork message = new RequestWork("rollout-1", 3, 2, rollout);
        NotSerializableException e = assertThrows(NotSerializableException.class,
                () -> serializer.fromBinary(frame(writer, message), serializer.manifest(message)));
        assertTrue(e.getMessage().contains("invalid payload for Aha message RequestWork"), e.getMessage());
        assertTrue(e.getMessage().contains("ActorRef without a path"), e.getMessage());
    }

    @Test
    void shouldReportACorruptPayloadWithASoundChecksumAsInvalidNeverAsAnUnknownManifest() throws Exception {
        Random r = new Random(11);
        int refused = 0;
        for (Function<Random, AhaMessage> g : generators()) {
            for (int i = 0; i < 50; i++) {
                AhaMessage m = g.apply(r);
                String manifest = serializer.manifest(m);
                byte[] frame = serializer.toBinary(m);
                frame[4 + r.nextInt(frame.length - 4)] = (byte) r.nextInt(256);
                reseal(frame);
                try {
                    serializer.fromBinary(frame, manifest); // some corruptions decode to another valid message
                } catch (NotSerializableException e) {
                    refused++;
                    assertFalse(e.getMessage().contains("unknown"), e.getMessage());
                    assertTrue(e.getMessage().contains("invalid payload") || e.getMessage().contains("trailing bytes"),
                            e.getMessage());
                    assertTrue(e.getCause() != null || e.getMessage().contains("trailing bytes"), e.getMessage());
                }
            }
        }
        assertTrue(refused > 0, "no corruption was refused");
    }

    private static byte[] frame(Kryo kryo, Object message) {
        try (Output out = new Output(4096, -1)) {
            out.setPosition(4);
            kryo.writeObject(out, message);
            byte[] frame = out.toBytes();
            reseal(frame);
            return frame;
        }
    }

    /** Writes the frame's CRC32C over its payload, as the serializer does. */
    private static void reseal(byte[] frame) {
        CRC32C crc = new CRC32C();
        crc.update(frame, 4, frame.length - 4);
        ByteBuffer.wrap(frame).putInt(0, (int) crc.getValue());
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e.getCause(); t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static void assertEquivalent(Object expected, Object actual) {
        assertEquals(expected.getClass(), actual.getClass());
        if (expected instanceof SampledGroup a) {
            assertSampled(a, (SampledGroup) actual);
        } else if (expected instanceof ScoredGroup a) {
            ScoredGroup b = (ScoredGroup) actual;
            assertSampled(a.group(), b.group());
            assertArrayEquals(a.rewards(), b.rewards());
            assertArrayEquals(a.advantages(), b.advantages());
            assertArrayEquals(a.accuracy(), b.accuracy());
            assertArrayEquals(a.format(), b.format());
            assertEquals(a.rewardFailures(), b.rewardFailures());
        } else {
            assertEquals(expected, actual); // records of scalars and ActorRefs compare by value
        }
    }

    private static void assertSampled(SampledGroup a, SampledGroup b) {
        assertEquals(a.promptId(), b.promptId());
        assertEquals(a.attempt(), b.attempt());
        assertEquals(a.rolloutId(), b.rolloutId());
        assertEquals(a.policyVersion(), b.policyVersion());
        assertEquals(a.prompt(), b.prompt());
        assertEquals(a.referenceAnswer(), b.referenceAnswer());
        assertArrayEquals(a.promptTokens(), b.promptTokens());
        assertArrayEquals(a.completions(), b.completions());
        assertArrayEquals(a.behaviourLogProbs(), b.behaviourLogProbs());
        assertArrayEquals(a.completionTexts(), b.completionTexts());
        assertArrayEquals(a.truncated(), b.truncated());
        assertEquals(a.sampledAtMicros(), b.sampledAtMicros());
        assertEquals(a.weightsReceivedMicros(), b.weightsReceivedMicros());
        assertEquals(a.samplingNanos(), b.samplingNanos());
        assertArrayEquals(a.versionSpans(), b.versionSpans());
        assertArrayEquals(a.policyTokens(), b.policyTokens());
        assertEquals(a.episodes() == null, b.episodes() == null);
        if (a.episodes() != null) {
            assertArrayEquals(a.episodes().rewards(), b.episodes().rewards());
            assertArrayEquals(a.episodes().turns(), b.episodes().turns());
            assertArrayEquals(a.episodes().toolCalls(), b.episodes().toolCalls());
            assertArrayEquals(a.episodes().toolErrors(), b.episodes().toolErrors());
            assertArrayEquals(a.episodes().cut(), b.episodes().cut());
            assertEquals(a.episodes().environmentNanos(), b.episodes().environmentNanos());
        }
        assertEquals(a.reward(), b.reward());
    }

    private static SampledGroup sampled(Random r) {
        int g = 1 + r.nextInt(8);
        int[][] tokens = new int[g][];
        float[][] lps = new float[g][];
        String[] texts = new String[g];
        boolean[] truncated = new boolean[g];
        for (int i = 0; i < g; i++) {
            int n = r.nextInt(64);
            tokens[i] = r.ints(n, 0, 100).toArray();
            lps[i] = floats(r, n);
            texts[i] = text(r);
            truncated[i] = r.nextBoolean();
        }
        long version = r.nextInt(1000);
        long[][] spans = new long[g][];
        for (int i = 0; i < g; i++) { // some completions sampled across an in-flight weight update
            spans[i] = tokens[i].length > 1 && r.nextBoolean()
                    ? new long[] {version, 0, version + 1, 1 + r.nextInt(tokens[i].length - 1)} : new long[0];
        }
        boolean episodes = r.nextBoolean(); // a multi-turn group: observations flagged, episode figures beside
        boolean[][] policy = new boolean[g][];
        for (int i = 0; i < g; i++) {
            policy[i] = new boolean[episodes ? tokens[i].length : 0];
            for (int j = 0; j < policy[i].length; j++) {
                policy[i][j] = r.nextInt(4) != 0;
            }
        }
        GroupEpisodes figures = episodes ? new GroupEpisodes(doubles(r, g), r.ints(g, 1, 5).toArray(),
                r.ints(g, 0, 3).toArray(), new int[g], truncated.clone(), r.nextLong()) : null;
        return new SampledGroup(r.nextLong(), r.nextInt(3), "rollout-" + r.nextInt(4), version, text(r), text(r),
                r.ints(r.nextInt(40), 0, 100).toArray(), tokens, lps, texts, truncated, r.nextLong(), r.nextLong(),
                r.nextLong(), spans, policy, figures, route(r));
    }

    /** A row's reward route, or none (the run's). */
    private static String route(Random r) {
        return new String[] {null, "rule", "model", "both"}[r.nextInt(4)];
    }

    private static String text(Random r) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(60);
        for (int i = 0; i < n; i++) {
            s.append(r.nextInt(10) == 0 ? (char) (0x4e00 + r.nextInt(500)) : (char) (' ' + r.nextInt(95)));
        }
        return s.toString();
    }

    private static float[] floats(Random r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    private static double[] doubles(Random r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextDouble();
        }
        return d;
    }
}
