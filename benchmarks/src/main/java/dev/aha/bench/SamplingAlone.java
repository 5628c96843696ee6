package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TaskFactory;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.backend.TorchGenerator;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rollout's sampling alone, what {@code aha bench throughput} sets the pipeline's sampling rate against: a
 * replica built as a rollout builds it ({@link TorchGenerator}, one intra-op thread) samples groups of the task's
 * templated prompts in a tight loop on a thread of its own: no actors, no learner, no weight swaps. Its weights are
 * the run's last checkpoint, the policy the rollouts were sampling at the end (completion lengths change as the
 * policy learns, and with them the tokens per second), or the initial policy if the run saved none. Each group is
 * timed as the rollout times it (encode, sample, decode).
 */
final class SamplingAlone {

    private SamplingAlone() {}

    /** Completion tokens per second of sampling, measured from {@code warmupSeconds} to {@code seconds}. */
    static double tokensPerSecond(RunConfig c, Path run, double seconds, double warmupSeconds)
            throws InterruptedException {
        AtomicReference<Double> rate = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                rate.set(measure(c, run, seconds, warmupSeconds));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "aha-sampling-alone");
        thread.start();
        thread.join();
        if (failure.get() != null) {
            throw new IllegalStateException("sampling alone failed: " + failure.get(), failure.get());
        }
        return rate.get();
    }

    private static double measure(RunConfig c, Path run, double seconds, double warmupSeconds) throws Exception {
        ComputeThreads.prepare(1);
        FlatWeights weights;
        try (NDManager scope = NDManager.newBaseManager(c.devices().rollout()); Policy p = c.policy().create(scope)) {
            if (Files.exists(run.resolve("checkpoints"))) {
                CheckpointStore.load(CheckpointStore.resolve(run), p, null);
            }
            weights = p.exportWeights();
        }
        PromptStream prompts = TaskFactory.create(c.train().task(), c, null, null).trainStream(c.train().seed());
        Random rng = new Random(c.train().seed());
        try (Tokenizer tokenizer = c.tokenizer().open();
                TorchGenerator generator = new TorchGenerator(c.policy(), c.devices().rollout(), c.sampling(),
                        tokenizer.vocabSize(), tokenizer.endIds())) {
            generator.loadWeights(weights);
            long start = System.nanoTime();
            long tokens = 0;
            long nanos = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                long a = System.nanoTime();
                int[] prompt = tokenizer.encode(c.template().render(prompts.next().question()));
                List<Completion> group = generator.sampleGroup(prompt, c.train().groupSize(), rng);
                long groupTokens = 0;
                for (Completion completion : group) {
                    tokenizer.decode(completion.tokens());
                    groupTokens += completion.length();
                }
                long b = System.nanoTime();
                if (a - start >= warmupSeconds * 1e9) {
                    tokens += groupTokens;
                    nanos += b - a;
                }
            }
            if (nanos == 0) {
                throw new IllegalStateException("no group finished after the " + warmupSeconds + " s warm-up within "
                        + seconds + " s");
            }
            return tokens / (nanos / 1e9);
        }
    }
}
