package dev.aha.bench.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The next token's logits at {@code context} tokens, for a batch of G completions as {@link
 * dev.aha.runtime.sampling.Sampler} draws them, two ways on the default policy (aha.policy in reference.conf):
 *
 * <ul>
 *   <li>{@link #cachedStep}: the cache holds the first context-1 positions, built untimed before each invocation
 *       the way the sampler builds it (a prefill, then a step: in sampling a step always follows a step); one
 *       {@link GptPolicy#step} feeds token number {@code context} and returns the logits;</li>
 *   <li>{@link #rerunPrefix}: no cache; the whole {@code context}-token prefix goes through {@link
 *       GptPolicy#logits} and the last position's logits are taken.</li>
 * </ul>
 *
 * Both copy the (G, V) logits to the Java heap, as the sampler does, and both attend over the same {@code context}
 * positions, so they compute the same logits (checked once in the set-up). Every invocation's arrays live in an
 * NDManager scope closed at its end; all DJL work runs on the JMH worker thread with one intra-op thread (a rollout's
 * setting) and autograd off.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KvCacheSampling {

    /** Positions the new token's logits depend on (prompt plus completion so far). */
    @Param("128")
    public int context;

    /** Completions decoded together: G, aha.train.group-size. */
    @Param("8")
    public int batch;

    @Param("1")
    public int intraOpThreads;

    private NDManager base;
    private GptPolicy policy;
    private int[] prefix;
    private int[] lastTokens;
    private int[] full;
    private int[] promptPart; // the first context-2 positions: prefilled; position context-1 goes through a step

    // per invocation of cachedStep
    private NDManager session;
    private KvCache cache;

    @Setup(Level.Trial)
    public void setUp() {
        ComputeThreads.prepare(intraOpThreads);
        GptConfig config = GptConfig.fromConfig(
                AhaConfig.load().getConfig("aha.policy"), new CharTokenizer().vocabSize());
        if (context < 3 || context > config.contextLength()) {
            throw new IllegalArgumentException("context must be in 3.." + config.contextLength() + ", was " + context);
        }
        base = NDManager.newBaseManager();
        policy = GptPolicy.create(config, base);
        policy.setTrainable(false);
        Random r = new Random(5);
        prefix = new int[context - 1]; // the shared prompt and the completion so far (identical rows keep it simple)
        for (int i = 0; i < prefix.length; i++) {
            prefix[i] = 4 + r.nextInt(config.vocabSize() - 4);
        }
        lastTokens = new int[batch]; // the tokens just drawn: one per completion, they differ
        for (int g = 0; g < batch; g++) {
            lastTokens[g] = 4 + r.nextInt(config.vocabSize() - 4);
        }
        promptPart = Arrays.copyOf(prefix, prefix.length - 1);
        full = new int[batch * context];
        for (int g = 0; g < batch; g++) {
            System.arraycopy(prefix, 0, full, g * context, prefix.length);
            full[g * context + context - 1] = lastTokens[g];
        }
        checkSameLogits();
    }

    @Setup(Level.Iteration)
    public void prepareThread() {
        ComputeThreads.prepare(intraOpThreads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        policy.close();
        base.close();
    }

    /** Untimed: a cache at context-1 positions, as the sampler holds it just before this step. */
    @Setup(Level.Invocation)
    public void prefill() {
        session = policy.manager().newSubManager();
        cache = policy.prefill(session.create(promptPart, new Shape(1, promptPart.length)), batch);
        int[] previous = new int[batch];
        Arrays.fill(previous, prefix[prefix.length - 1]);
        try (NDManager step = session.newSubManager()) {
            policy.step(cache, step.create(previous, new Shape(batch, 1))).toFloatArray();
        }
    }

    @TearDown(Level.Invocation)
    public void closeSession() {
        session.close();
        session = null;
        cache = null;
    }

    @Benchmark
    public float[] cachedStep() {
        try (NDManager step = session.newSubManager()) {
            return policy.step(cache, step.create(lastTokens, new Shape(batch, 1))).toFloatArray();
        }
    }

    @Benchmark
    public float[] rerunPrefix() {
        try (NDManager scope = policy.manager().newSubManager()) {
            NDArray tokens = scope.create(full, new Shape(batch, context));
            return policy.logits(tokens).get(new NDIndex(":, -1, :")).toFloatArray();
        }
    }

    private void checkSameLogits() {
        prefill();
        float[] cached = cachedStep();
        closeSession();
        float[] rerun = rerunPrefix();
        float worst = 0;
        for (int i = 0; i < cached.length; i++) {
            worst = Math.max(worst, Math.abs(cached[i] - rerun[i]));
        }
        if (cached.length != rerun.length || worst > 1e-3f) {
            throw new IllegalStateException("cached and re-run logits differ by " + worst);
        }
    }
}
