package dev.aha.runtime.sft;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.engine.Scalars;
import dev.aha.runtime.grpo.PackedSequences;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.ChunkedLogProbs;
import dev.aha.runtime.policy.MicroBatches;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.TrainingLogProbs;
import java.util.ArrayList;
import java.util.List;

/**
 * Supervised fine-tuning: maximise the log-likelihood of each completion given its prompt (prompt tokens are
 * context, not targets). R1 uses it for the cold start before RL and again on rejection-sampled outputs. A multi-turn
 * trace's observations ({@link SftExample#trained} false) are context too: out of the sum and out of its count.
 *
 * <pre>
 *   loss = - sum_{i,t trained in completion_i} log pi_theta(o_it | q_i, o_i,&lt;t) / (trained tokens in the batch)
 * </pre>
 */
public final class SupervisedFineTuner {

    private final Policy policy;
    private final AdamW optimizer;
    private final int padId;
    private final long logitsBudget;
    private final ChunkedLogProbs chunks;

    public SupervisedFineTuner(Policy policy, AdamW optimizer, int padId) {
        this(policy, optimizer, padId, Long.MAX_VALUE);
    }

    /**
     * @param logitsBudget most bytes of logits one forward may hold (see {@link MicroBatches}); the output head runs on
     *     chunks within it ({@link ChunkedLogProbs#within})
     */
    public SupervisedFineTuner(Policy policy, AdamW optimizer, int padId, long logitsBudget) {
        this(policy, optimizer, padId, logitsBudget, ChunkedLogProbs.within(logitsBudget));
    }

    /** The same with the output head's chunks given. */
    public SupervisedFineTuner(Policy policy, AdamW optimizer, int padId, long logitsBudget, ChunkedLogProbs chunks) {
        this.policy = policy;
        this.optimizer = optimizer;
        this.padId = padId;
        this.logitsBudget = logitsBudget;
        this.chunks = chunks;
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
            NDArray targets = trainedOnly(scope, packed, batch);
            float tokens = targets.sum().getFloat();
            int per = MicroBatches.rows(logitsBudget, packed.columns(), policy.vocabSize(), packed.rows());
            float value = 0;
            for (int from = 0; from < packed.rows(); from += per) {
                int to = Math.min(packed.rows(), from + per);
                try (NDManager micro = scope.newSubManager()) {
                    NDIndex rows = new NDIndex("{}:{}", from, to);
                    NDArray part = packed.tokens().get(rows);
                    NDArray mask = targets.get(rows);
                    part.attach(micro);
                    mask.attach(micro);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        TrainingLogProbs recorded = chunks.record(policy, part, 1f, packed.firstColumn());
                        NDArray logProbs = recorded.logProbs(); // (b, C)
                        // normalised over the whole batch's tokens, so the micro-batches' gradients add up to its
                        NDArray loss = Scalars.dividedBy(logProbs.mul(mask).sum(), Math.max(1f, tokens)).neg();
                        recorded.backward(collector, loss);
                        value += loss.getFloat();
                    }
                }
            }
            optimizer.step();
            return value;
        }
    }

    /** The completion mask with every observation column cleared (the mask itself when there is none). */
    private static NDArray trainedOnly(NDManager scope, PackedSequences packed, List<SftExample> batch) {
        float[] mask = null;
        for (int i = 0; i < batch.size(); i++) {
            SftExample e = batch.get(i);
            int from = i * packed.columns() + PackedSequences.column(e.prompt().length, 0, packed.firstColumn());
            for (int j = 0; j < e.trained().length; j++) {
                if (!e.trained()[j]) {
                    mask = mask != null ? mask : packed.completionMask().toFloatArray();
                    mask[from + j] = 0f;
                }
            }
        }
        return mask == null ? packed.completionMask() : scope.create(mask, packed.completionMask().getShape());
    }
}
