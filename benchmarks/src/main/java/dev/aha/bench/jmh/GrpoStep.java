package dev.aha.bench.jmh;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.grpo.GroupAdvantages;
import dev.aha.runtime.grpo.PolicyLoss;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.grpo.GrpoUpdateResult;
import dev.aha.runtime.grpo.GrpoUpdater;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.List;
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
 * One learner update through the project's {@link GrpoUpdater} on the tiny test model ({@link GptConfig#tiny}):
 * pack one group of G short sequences, reference forward (beta &gt; 0 in reference.conf), policy forward, GRPO loss,
 * backward and one AdamW step, all in the updater's per-step NDManager scope.
 *
 * <p>DJL: everything runs on the JMH worker thread, with one libtorch intra-op thread (the learner's default).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GrpoStep {

    @Param("8")
    public int groupSize;

    /** Intra-op threads of the compute thread (aha.train.learner-threads defaults to 1). */
    @Param("1")
    public int intraOpThreads;

    private NDManager base;
    private GptPolicy policy;
    private GptPolicy reference;
    private AdamW optimizer;
    private GrpoUpdater updater;
    private List<GrpoSample> samples;

    @Setup(Level.Trial)
    public void setUp() {
        ComputeThreads.prepare(intraOpThreads);
        CharTokenizer tokenizer = new CharTokenizer();
        GptConfig config = GptConfig.tiny(tokenizer.vocabSize());
        var aha = AhaConfig.load().getConfig("aha");
        int maxNew = aha.getInt("sampling.max-new-tokens");
        GrpoSettings settings = GrpoSettings.fromConfig(aha.getConfig("grpo"), maxNew);
        base = NDManager.newBaseManager();
        policy = GptPolicy.create(config, base);
        if (settings.usesReference()) {
            reference = GptPolicy.create(config, base);
            reference.setTrainable(false);
        }
        optimizer = new AdamW(policy.parameters(), AdamWSettings.fromConfig(aha.getConfig("optimizer")), base);
        updater = new GrpoUpdater(policy, reference, optimizer, PolicyLoss.of(settings), 1f, tokenizer.padId());
        samples = group(tokenizer, settings, groupSize, new Random(3));
    }

    /** Each iteration may land on another worker thread: set its thread-local engine state again. */
    @Setup(Level.Iteration)
    public void prepareThread() {
        ComputeThreads.prepare(intraOpThreads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        optimizer.close();
        if (reference != null) {
            reference.close();
        }
        policy.close();
        base.close();
    }

    @Benchmark
    public GrpoUpdateResult step() {
        return updater.update(samples);
    }

    /** G arithmetic completions of one prompt, 6 to 24 tokens, half of them right, with group-relative advantages. */
    static List<GrpoSample> group(CharTokenizer tokenizer, GrpoSettings settings, int g, Random r) {
        int[] prompt = tokenizer.encode("User: 7+8-2=? Assistant: ");
        double[] rewards = new double[g];
        for (int i = 0; i < g; i++) {
            rewards[i] = i % 2 == 0 ? 1.2 : 0.2;
        }
        float[] advantages = GroupAdvantages.compute(rewards, settings.scaleAdvantagesByStd(), settings.advantageEps());
        List<GrpoSample> samples = new ArrayList<>(g);
        for (int i = 0; i < g; i++) {
            int n = 6 + r.nextInt(19);
            int[] completion = new int[n];
            float[] logProbs = new float[n];
            for (int t = 0; t < n; t++) {
                completion[t] = 4 + r.nextInt(95);
                logProbs[t] = (float) (-4.6 + 0.3 * r.nextGaussian()); // about log(1/99): an untrained policy
            }
            completion[n - 1] = tokenizer.endId();
            samples.add(new GrpoSample(prompt, completion, logProbs, advantages[i]));
        }
        return samples;
    }
}
