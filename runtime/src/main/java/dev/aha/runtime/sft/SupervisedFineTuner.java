package dev.aha.runtime.sft;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.grpo.PackedSequences;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * Supervised fine-tuning: maximise the log-likelihood of each completion given its prompt (prompt tokens are
 * context, not targets). R1 uses it for the cold start before RL and again on rejection-sampled outputs.
 *
 * <pre>
 *   loss = - sum_{i,t in completion_i} log pi_theta(o_it | q_i, o_i,&lt;t) / (completion tokens in the batch)
 * </pre>
 */
public final class SupervisedFineTuner {

    private final Policy policy;
    private final AdamW optimizer;
    private final int padId;

    public SupervisedFineTuner(Policy policy, AdamW optimizer, int padId) {
        this.policy = policy;
        this.optimizer = optimizer;
        this.padId = padId;
        policy.setTrainable(true);
    }

    /** One optimiser step on {@code batch}; returns the mean negative log-likelihood per completion token. */
    public float step(List<SftExample> batch) {
        List<int[]> prompts = new ArrayList<>(batch.size());
        List<int[]> completions = new ArrayList<>(batch.size());
        for (SftExample e : batch) {
            prompts.add(e.prompt());
            completions.add(e.completion());
        }
        try (NDManager scope = policy.manager().newSubManager()) {
            PackedSequences packed = PackedSequences.pack(scope, prompts, completions, padId);
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logProbs = policy.tokenLogProbs(packed.tokens(), 1f, packed.firstColumn()); // (B, C)
                NDArray mask = packed.completionMask();
                loss = logProbs.mul(mask).sum().div(mask.sum()).neg();
                collector.backward(loss);
            }
            float value = loss.getFloat();
            optimizer.step();
            return value;
        }
    }
}
