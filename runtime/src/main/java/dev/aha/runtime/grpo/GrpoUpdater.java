package dev.aha.runtime.grpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.ChunkedLogProbs;
import dev.aha.runtime.policy.MicroBatches;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.TrainingLogProbs;
import java.util.ArrayList;
import java.util.List;

/**
 * One learner update: pack the samples, run the reference (only when beta &gt; 0) and the policy, evaluate
 * the algorithm's loss ({@link PolicyLoss}), backpropagate and step the optimiser. Every array of the step lives in
 * one scope closed at the end, so native memory stays flat however many steps run.
 *
 * <p>libtorch allows one gradient collector per process: one updater (one learner) per JVM.
 */
public final class GrpoUpdater {

    private final Policy policy;
    private final Policy reference;
    private final AdamW optimizer;
    private final PolicyLoss loss;
    private final float temperature;
    private final int padId;
    private final long logitsBudget;
    private final ChunkedLogProbs chunks;
    private LearnerPhases lastPhases = LearnerPhases.NONE;

    /** The whole batch in one forward (a small vocabulary's logits are small). */
    public GrpoUpdater(Policy policy, Policy reference, AdamW optimizer, PolicyLoss loss, float temperature,
            int padId) {
        this(policy, reference, optimizer, loss, temperature, padId, Long.MAX_VALUE);
    }

    /**
     * @param reference the frozen reference policy; may be null when beta = 0, and is never run then
     * @param temperature the sampling temperature, so log pi_theta is taken over the distribution pi_old sampled
     * @param logitsBudget most bytes of logits one forward may hold: larger batches run as micro-batches of rows
     *     whose gradients accumulate into one step ({@link MicroBatches}); within one, the output head runs on chunks
     *     of at most this many bytes of logits, and 16 MB ({@link ChunkedLogProbs#within})
     */
    public GrpoUpdater(
            Policy policy,
            Policy reference,
            AdamW optimizer,
            PolicyLoss loss,
            float temperature,
            int padId,
            long logitsBudget) {
        this(policy, reference, optimizer, loss, temperature, padId, logitsBudget,
                ChunkedLogProbs.within(logitsBudget));
    }

    /** The same with the output head's chunks given ({@link ChunkedLogProbs}). */
    public GrpoUpdater(
            Policy policy,
            Policy reference,
            AdamW optimizer,
            PolicyLoss loss,
            float temperature,
            int padId,
            long logitsBudget,
            ChunkedLogProbs chunks) {
        if (loss.settings().usesReference() && reference == null) {
            throw new IllegalArgumentException("beta = " + loss.settings().beta() + " needs a reference policy");
        }
        this.policy = policy;
        this.reference = reference;
        this.optimizer = optimizer;
        this.loss = loss;
        this.temperature = temperature;
        this.padId = padId;
        this.logitsBudget = logitsBudget;
        this.chunks = chunks;
        policy.setTrainable(true);
    }

    /** The phases of the last {@link #update}. */
    public LearnerPhases lastPhases() {
        return lastPhases;
    }

    /**
     * One step on {@code samples}. An empty batch (overlong filtering masked every completion) has no loss to take a
     * gradient of, and the optimiser does not step on it: Adam's moments would move the weights on a zero gradient.
     */
    public GrpoUpdateResult update(List<GrpoSample> samples) {
        if (samples.isEmpty()) {
            lastPhases = LearnerPhases.NONE;
            return GrpoUpdateResult.NONE;
        }
        LearnerPhases.Clock clock = new LearnerPhases.Clock();
        try (NDManager scope = policy.manager().newSubManager()) {
            GrpoBatch batch = GrpoBatch.pack(scope, samples, padId);
            GrpoLoss.Totals totals = new GrpoLoss.Totals(batch.size(), batch.mask().sum().getFloat());
            int per = MicroBatches.rows(logitsBudget, batch.mask().getShape().get(1), policy.vocabSize(), batch.size());
            if (loss.settings().algorithm() == Algorithm.REINFORCE_PP) {
                batch = batch.withAdvantages(returns(scope, batch, per, clock));
            }
            float lossValue = 0;
            List<GrpoDiagnostics> parts = new ArrayList<>();
            List<RolloutMismatch> mismatches = new ArrayList<>();
            List<Integer> rows = new ArrayList<>();
            for (int from = 0; from < batch.size(); from += per) {
                int to = Math.min(batch.size(), from + per);
                try (NDManager micro = scope.newSubManager()) {
                    GrpoBatch part = from == 0 && to == batch.size() ? batch : batch.rows(micro, from, to);
                    GrpoLoss.Output output = forwardBackward(part, totals, mismatches, clock);
                    lossValue += output.loss().getFloat();
                    parts.add(output.diagnostics());
                    rows.add(to - from);
                }
            }
            long skippedBefore = optimizer.skipped();
            clock.restart();
            float gradNorm = optimizer.step();
            clock.optimizer();
            lastPhases = clock.phases();
            return new GrpoUpdateResult(lossValue, gradNorm, GrpoDiagnostics.combine(parts, rows), samples.size(),
                    optimizer.skipped() > skippedBefore, RolloutMismatch.combine(mismatches));
        }
    }

    /**
     * REINFORCE++'s token advantages: the whole batch's statistics, so every micro-batch's reference forward first
     * (without gradient; none when beta = 0).
     */
    private NDArray returns(NDManager scope, GrpoBatch batch, int per, LearnerPhases.Clock clock) {
        NDArray referenceLogProbs = null;
        clock.restart();
        if (loss.settings().usesReference()) {
            NDList parts = new NDList();
            for (int from = 0; from < batch.size(); from += per) {
                GrpoBatch part = batch.rows(scope, from, Math.min(batch.size(), from + per));
                parts.add(reference.tokenLogProbs(part.tokens(), temperature, part.firstColumn()));
            }
            referenceLogProbs = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
        }
        clock.reference();
        return ReinforcePlusPlus.advantages(batch.advantages(), batch.behaviourLogProbs(), referenceLogProbs,
                batch.mask(),
                loss.settings().beta(), loss.settings().advantageEps());
    }

    /**
     * One (micro-)batch: its loss, normalised over the whole batch, backpropagated into the accumulating gradients;
     * its rollout mismatch added to {@code mismatches}. One update per batch: the forward that records gradients is
     * the policy before the update, so its log-probs, detached, are the proximal policy's and the learner's own.
     */
    private GrpoLoss.Output forwardBackward(GrpoBatch part, GrpoLoss.Totals totals, List<RolloutMismatch> mismatches,
            LearnerPhases.Clock clock) {
        NDArray referenceLogProbs = null;
        clock.restart();
        if (loss.settings().klInLoss()) {
            referenceLogProbs = reference.tokenLogProbs(part.tokens(), temperature, part.firstColumn());
        }
        clock.reference();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            TrainingLogProbs recorded = chunks.record(policy, part.tokens(), temperature, part.firstColumn());
            NDArray logProbs = recorded.logProbs();
            GrpoLoss.Output output = loss.compute(logProbs, part.behaviourLogProbs(), referenceLogProbs, part.mask(),
                    part.advantages(), totals);
            clock.forward();
            recorded.backward(collector, output.loss());
            clock.backward();
            mismatches.add(RolloutMismatch.measure(logProbs, part.behaviourLogProbs(), part.mask(), part.fresh()));
            return output;
        }
    }
}
