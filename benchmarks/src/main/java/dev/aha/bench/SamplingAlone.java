package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TaskFactory;
import dev.aha.protocol.weights.FlatWeights;
import dev.aha.runtime.backend.TorchRolloutEngine;
import dev.aha.runtime.rollout.ContinuousBatcher.FinishedGroup;
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
 * The rollout's sampling alone, what {@code aha bench throughput} sets the pipeline's sampling rate against: an
 * engine built as a rollout builds it ({@link TorchRolloutEngine}: its slots, dtype and intra-op threads) keeps its
 * slots full of groups of the task's templated prompts in a tight loop on a thread of its own: no actors, no
 * learner, no weight swaps. Its weights are
 * the run's last checkpoint, the policy the rollouts were sampling at the end (completion lengths change as the
 * policy learns, and with them the tokens per second), or the initial policy if the run saved none. The work is the
 * rollout's: encode, admit, decode steps, decode the finished groups' text.
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
        int g = c.train().groupSize();
        int slots = Math.max(c.rollout().sequencesFor(c.devices().rollout().isGpu()), g);
        // as a rollout of this run gets them: the cores the learner leaves, shared by the run's rollouts
        int threads = c.rollout().threadsFor(c.train().rollouts(), c.train().learnerThreads(),
                Runtime.getRuntime().availableProcessors());
        try (Tokenizer tokenizer = c.tokenizer().open();
                TorchRolloutEngine engine = new TorchRolloutEngine(c.policy(), c.devices().rollout(),
                        c.rollout().dtype().dataType(), slots, threads, c.sampling(), tokenizer.vocabSize(),
                        tokenizer.endIds())) {
            engine.loadWeights(weights, 0);
            long start = System.nanoTime();
            long measuredFrom = -1;
            long tokens = 0;
            long ticket = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                while (engine.freeSlots() >= g) {
                    int[] prompt = tokenizer.encode(c.template().render(prompts.next().question()));
                    engine.admit(ticket++, prompt, g, rng.nextLong());
                }
                int drawn = engine.maxSequences() - engine.freeSlots(); // one token per sequence in flight
                List<FinishedGroup<Long>> done = engine.step();
                for (FinishedGroup<Long> group : done) {
                    group.completions().forEach(completion -> tokenizer.decode(completion.tokens()));
                }
                long now = System.nanoTime();
                if (measuredFrom >= 0) {
                    tokens += drawn;
                } else if (now - start >= warmupSeconds * 1e9) {
                    measuredFrom = now;
                }
            }
            long nanos = System.nanoTime() - measuredFrom;
            if (measuredFrom < 0 || tokens == 0) {
                throw new IllegalStateException("no group finished after the " + warmupSeconds + " s warm-up within "
                        + seconds + " s");
            }
            return tokens / (nanos / 1e9);
        }
    }
}
