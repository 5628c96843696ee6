package dev.aha.bench;

import ai.djl.ndarray.NDManager;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.grpo.PolicyLoss;
import dev.aha.runtime.grpo.GrpoSample;
import dev.aha.runtime.grpo.GrpoUpdater;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The learner's compute without the pipeline: GRPO steps (the run's policy, loss, optimiser and batch size: batch-groups
 * groups of G completions sampled once from the task's prompts) in a loop on a thread of its own, for as long as it is
 * open. {@code aha bench throughput} samples alone beside it to tell what the learner's competition for the cores costs
 * the rollout from what the actors and the weight swaps cost it.
 */
final class LearnerLoad implements AutoCloseable {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread thread;

    LearnerLoad(RunConfig c) throws InterruptedException {
        thread = new Thread(() -> {
            try {
                loop(c);
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                ready.countDown();
            }
        }, "aha-learner-load");
        thread.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        thread.start();
        ready.await();
        if (failure.get() != null) {
            throw new IllegalStateException("the learner load failed to start: " + failure.get(), failure.get());
        }
    }

    private void loop(RunConfig c) {
        ComputeThreads.prepare(1);
        try (NDManager manager = NDManager.newBaseManager(c.devices().learner());
                Policy policy = c.policy().create(manager);
                Policy reference = c.policy().create(manager);
                AdamW adam = new AdamW(policy.parameters(), c.optimizer(), manager);
                Tokenizer tokenizer = c.tokenizer().open()) {
            List<GrpoSample> batch = batch(c, tokenizer, policy);
            GrpoUpdater updater = new GrpoUpdater(policy, c.grpo().usesReference() ? reference : null, adam,
                    PolicyLoss.of(c.grpo()), c.sampling().temperature(), tokenizer.padId(),
                    c.train().logitsBudget());
            updater.update(batch);
            ready.countDown();
            while (!stop.get()) {
                updater.update(batch);
                steps.incrementAndGet();
            }
        }
    }

    /** batch-groups groups of G completions of the task's prompts, with synthetic rewards. */
    private static List<GrpoSample> batch(RunConfig c, Tokenizer tokenizer, Policy policy) {
        PromptStream prompts = TaskFactory.create(c.train().task(), c, null, null).trainStream(c.train().seed() + 5);
        Sampler sampler = new Sampler(policy, c.sampling(), tokenizer.endIds());
        Random rng = new Random(c.train().seed());
        List<GrpoSample> samples = new ArrayList<>();
        for (int b = 0; b < c.train().batchGroups(); b++) {
            int[] prompt = tokenizer.encode(c.template().render(prompts.next().question()));
            samples.addAll(SyntheticGroup.samples(prompt, sampler.sampleGroup(prompt, c.train().groupSize(), rng),
                    c.grpo(), rng));
        }
        return samples;
    }

    /** GRPO steps taken since it started (after its first). */
    long steps() {
        return steps.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join();
        if (failure.get() != null) {
            throw new IllegalStateException("the learner load failed: " + failure.get(), failure.get());
        }
    }
}
