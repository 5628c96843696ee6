package dev.aha.app.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.rejection.RejectionSampler;
import dev.aha.runtime.rejection.SampleRecord;
import dev.aha.runtime.rm.LearnedReward;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * One point of an over-optimisation curve: a checkpoint sampled on held-out prompts, its samples scored by the gold
 * rule (the task's rule reward, which the proxy never saw) and by the proxy reward model, and its KL divergence from
 * the starting policy estimated on the same samples: the mean over samples of
 * {@code sum_t log pi(y_t | x, y_<t) - log pi_0(y_t | x, y_<t)} at the sampling temperature, the completion
 * re-tokenized from its text (exact for the character tokenizer).
 */
final class ProxyGoldProbe {

    /** The point's figures: means over every sample. */
    record Point(double kl, double gold, double proxy, int samples) {
        double sqrtKl() {
            return Math.sqrt(Math.max(0, kl));
        }
    }

    private ProxyGoldProbe() {}

    /**
     * @param checkpoint the policy measured
     * @param start the starting policy, the KL's reference
     * @param seed seeds each prompt's samples (the same at every point)
     */
    static Point measure(RunConfig config, Path checkpoint, Path start, List<TaskPrompt> prompts, int k, long seed,
            LearnedReward proxy) {
        ComputeThreads.prepare(1);
        ComputeThreads.stopRecording();
        float temperature = (float) config.sampling().temperature();
        double kl = 0;
        double gold = 0;
        double proxySum = 0;
        int n = 0;
        try (RunResources resources = RunResources.open(config);
                NDManager manager = NDManager.newBaseManager(config.devices().rollout());
                Policy policy = config.policy().blank(manager);
                Policy reference = config.policy().blank(manager)) {
            CheckpointStore.load(checkpoint, policy, null);
            CheckpointStore.load(start, reference, null);
            Tokenizer tokenizer = resources.tokenizer();
            RejectionSampler sampler = new RejectionSampler(policy, tokenizer, config.template(), config.sampling(),
                    config.reward(), resources.rewards(), config.reject().minLanguage(), k, seed, 0);
            for (TaskPrompt p : prompts) {
                List<SampleRecord> samples = sampler.sample(p);
                String[] completions = samples.stream().map(SampleRecord::completion).toArray(String[]::new);
                double[] parts = proxy.score(samples.get(0).prompt(), completions).get().parts();
                for (int i = 0; i < samples.size(); i++) {
                    gold += samples.get(i).reward();
                    proxySum += parts[i];
                    kl += logRatio(manager, policy, reference, tokenizer, samples.get(i), temperature);
                    n++;
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("the proxy reward model failed: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        }
        return new Point(kl / n, gold / n, proxySum / n, n);
    }

    /** log pi(y | x) - log pi_0(y | x) of one sample's completion tokens. */
    private static double logRatio(NDManager manager, Policy policy, Policy reference, Tokenizer tokenizer,
            SampleRecord s, float temperature) {
        int[] prompt = tokenizer.encode(s.prompt());
        int[] completion = tokenizer.encode(s.completion());
        if (completion.length == 0) {
            return 0;
        }
        List<Integer> all = new ArrayList<>(prompt.length + completion.length);
        for (int id : prompt) {
            all.add(id);
        }
        for (int id : completion) {
            all.add(id);
        }
        int length = Math.min(all.size(), policy.contextLength());
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = all.get(i);
        }
        int from = prompt.length - 1; // the first column that predicts a completion token
        try (NDManager scope = manager.newSubManager()) {
            NDArray tokens = scope.create(ids, new Shape(1, length));
            NDArray mine = policy.tokenLogProbs(tokens, temperature, from);
            NDArray base = reference.tokenLogProbs(tokens, temperature, from);
            return mine.sub(base).sum().getFloat();
        }
    }
}
