package dev.aha.runtime.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.support.Engines;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 1000 iterations of sample, loss, backward and step on a tiny model (with the KL reference, so every code path
 * runs) must keep native memory flat: the live NDArray count must not move, and resident memory may grow by no
 * more than a fixed bound once warm (allocator caches settle within the first iterations).
 */
@Tag("slow") // a thousand steps: in verify
class NativeMemoryTest {

    private static final int ITERATIONS = 1000;
    private static final int WARM_UP = 300;
    // Measured here: +21-37 MiB from step 100 to 1000 as allocator caches settle, flat from step ~500 on. A leak of
    // 100 KiB per step would exceed this bound over the 700 measured steps.
    private static final long RSS_BOUND_BYTES = 64L << 20;

    @Test
    void shouldKeepNativeMemoryFlatOverAThousandSteps() {
        ComputeThreads.prepare(1);
        CharTokenizer tokenizer = new CharTokenizer();
        int[] prompt = tokenizer.encode("2+2=");
        try (NDManager base = NDManager.newBaseManager();
                GptPolicy policy = GptPolicy.create(GptConfig.tiny(tokenizer.vocabSize()), base);
                GptPolicy reference = GptPolicy.create(GptConfig.tiny(tokenizer.vocabSize()), base);
                AdamW adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-3), base)) {
            reference.setTrainable(false);
            GrpoSettings settings = new GrpoSettings(0.2, 0.28, 0.04, LossAggregation.TOKEN_MEAN, true, 1e-4, 0);
            GrpoUpdater updater = new GrpoUpdater(policy, reference, adam, new GrpoLoss(settings), 1f,
                    tokenizer.padId());
            Sampler sampler = new Sampler(policy, new SamplingSettings(1f, 1f, 8), tokenizer.endId());
            Random rng = new Random(0);

            int arraysAtStart = 0;
            long rssAtStart = 0;
            System.out.printf("native memory at step 0: %d NDArrays, RSS %.1f MiB%n",
                    Engines.liveArrays(base), residentAfterGc() / 1048576.0);
            for (int i = 0; i < ITERATIONS; i++) {
                if (i == WARM_UP) {
                    arraysAtStart = Engines.liveArrays(base);
                    rssAtStart = residentAfterGc();
                    System.out.printf("native memory at step %d: %d NDArrays, RSS %.1f MiB%n",
                            i, arraysAtStart, rssAtStart / 1048576.0);
                }
                ComputeThreads.stopRecording();
                List<Completion> group = sampler.sampleGroup(prompt, 4, rng);
                double[] rewards = new double[group.size()];
                for (int g = 0; g < rewards.length; g++) {
                    rewards[g] = tokenizer.decode(group.get(g).tokens()).contains("4") ? 1 : 0;
                }
                float[] advantages = GroupAdvantages.compute(rewards, true, 1e-4);
                List<GrpoSample> samples = new ArrayList<>();
                for (int g = 0; g < group.size(); g++) {
                    Completion c = group.get(g);
                    samples.add(new GrpoSample(prompt, c.tokens(), c.logProbs(), advantages[g]));
                }
                updater.update(samples);
            }
            int arraysAtEnd = Engines.liveArrays(base);
            long rssAtEnd = residentAfterGc();
            System.out.printf("native memory at step %d: %d NDArrays, RSS %.1f MiB (growth %.1f MiB, bound %d MiB)%n",
                    ITERATIONS, arraysAtEnd, rssAtEnd / 1048576.0, (rssAtEnd - rssAtStart) / 1048576.0,
                    RSS_BOUND_BYTES >> 20);
            assertEquals(arraysAtStart, arraysAtEnd, "NDArrays leaked");
            assertTrue(rssAtEnd - rssAtStart < RSS_BOUND_BYTES,
                    "resident memory grew by " + (rssAtEnd - rssAtStart) / 1048576 + " MiB");
        }
    }

    /**
     * DJL hands tensor contents to Java in direct buffers that only the garbage collector frees; collect first so
     * that what remains is memory actually held.
     */
    private static long residentAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50); // the Cleaner thread frees direct buffers after the collection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Engines.residentBytes();
    }
}
