package dev.aha.bench.jmh;

import com.typesafe.config.ConfigFactory;
import dev.aha.protocol.pipeline.SampledGroup;
import dev.aha.protocol.serialization.KryoSerializer;
import java.io.NotSerializableException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One {@link SampledGroup} (G completions of N tokens, with their behaviour log-probs and decoded texts) through the
 * project's {@link KryoSerializer}: frame it (Kryo + CRC32C) and decode it again, as a remote rollout-to-reward hop
 * does at both ends.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KryoRoundTrip {

    @Param("8")
    public int groupSize;

    @Param("512")
    public int completionTokens;

    private ActorSystem system;
    private KryoSerializer serializer;
    private SampledGroup group;
    private String manifest;

    @Setup
    public void setUp() throws NotSerializableException {
        system = localSystem();
        serializer = new KryoSerializer((ExtendedActorSystem) system);
        group = group(groupSize, completionTokens, 1L);
        manifest = serializer.manifest(group);
        byte[] frame = serializer.toBinary(group);
        SampledGroup back = (SampledGroup) serializer.fromBinary(frame, manifest);
        if (!Arrays.deepEquals(back.completions(), group.completions())
                || !Arrays.deepEquals(back.behaviourLogProbs(), group.behaviourLogProbs())) {
            throw new IllegalStateException("Kryo round trip changed the group");
        }
        System.err.println("[KryoRoundTrip] G=" + groupSize + " x " + completionTokens + " tokens: frame of "
                + frame.length + " bytes");
    }

    @TearDown
    public void tearDown() throws Exception {
        stop(system);
    }

    @Benchmark
    public Object roundTrip() throws NotSerializableException {
        return serializer.fromBinary(serializer.toBinary(group), manifest);
    }

    /** A local ActorSystem: KryoSerializer resolves typed ActorRefs through it (SampledGroup holds none). */
    public static ActorSystem localSystem() {
        return ActorSystem.create("kryo-bench", ConfigFactory.parseString(
                "pekko.actor.provider = local\npekko.loglevel = WARNING\npekko.coordinated-shutdown.exit-jvm = off")
                .withFallback(ConfigFactory.load()));
    }

    /**
     * A realistic group: char-level token ids (printable range), log-probs of a sampled token under a policy
     * (mostly near 0, a tail down to about -6), texts decoded from the ids.
     */
    public static SampledGroup group(int groupSize, int tokens, long seed) {
        Random r = new Random(seed);
        int[] prompt = new int[48];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 4 + r.nextInt(95);
        }
        int[][] completions = new int[groupSize][tokens];
        float[][] logProbs = new float[groupSize][tokens];
        String[] texts = new String[groupSize];
        for (int g = 0; g < groupSize; g++) {
            StringBuilder text = new StringBuilder(tokens);
            for (int t = 0; t < tokens; t++) {
                int id = 4 + r.nextInt(95);
                completions[g][t] = id;
                logProbs[g][t] = (float) -Math.abs(r.nextGaussian() * 1.5) - 0.01f * r.nextFloat();
                text.append((char) (' ' + id - 4));
            }
            texts[g] = text.toString();
        }
        return new SampledGroup(r.nextInt(100_000), 0, "rollout-0", 42, "User: 12+7-3=? Assistant: ", "16",
                prompt, completions, logProbs, texts, new boolean[groupSize], System.currentTimeMillis() * 1000,
                System.currentTimeMillis() * 1000, 123_456_789L);
    }

    /** Frame size in bytes of {@link #group} through the project's serializer. */
    public static int frameBytes(int groupSize, int tokens) {
        ActorSystem system = localSystem();
        try {
            return new KryoSerializer((ExtendedActorSystem) system).toBinary(group(groupSize, tokens, 1L)).length;
        } finally {
            stop(system);
        }
    }

    private static void stop(ActorSystem system) {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("ActorSystem did not terminate", e);
        }
    }
}
