package dev.aha.runtime.grpo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.policy.Policy;
import java.util.List;

/**
 * One learner update: pack the samples, run the reference (only when beta &gt; 0) and the policy, evaluate
 * {@link GrpoLoss}, backpropagate and step the optimiser. Every array of the step lives in one scope closed at the
 * end, so native memory stays flat however many steps run.
 *
 * <p>libtorch allows one gradient collector per process: one updater (one learner) per JVM.
 */
public final class GrpoUpdater {

    private final Policy policy;
    private final Policy reference;
    private final AdamW optimizer;
    private final GrpoLoss loss;
    private final float temperature;
    private final int padId;

    /**
     * @param reference the frozen reference policy; may be null when beta = 0, and is never run then
     * @param temperature the sampling temperature, so log pi_theta is taken over the distribution pi_old sampled
     */
    public GrpoUpdater(
            Policy policy,
            Policy reference,
            AdamW optimizer,
            GrpoLoss loss,
            float temperature,
            int padId) {
        if (loss.settings().usesReference() && reference == null) {
            throw new IllegalArgumentException("beta = " + loss.settings().beta() + " needs a reference policy");
        }
        this.policy = policy;
        this.reference = reference;
        this.optimizer = optimizer;
        this.loss = loss;
        this.temperature = temperature;
        this.padId = padId;
        policy.setTrainable(true);
    }

    public GrpoUpdateResult update(List<GrpoSample> samples) {
        try (NDManager scope = policy.manager().newSubManager()) {
            GrpoBatch batch = GrpoBatch.pack(scope, samples, padId);
            NDArray referenceLogProbs = null;
            if (loss.settings().usesReference()) {
                referenceLogProbs = reference.tokenLogProbs(batch.tokens(), temperature, batch.firstColumn());
            }
            GrpoLoss.Output output;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logProbs = policy.tokenLogProbs(batch.tokens(), temperature, batch.firstColumn());
                output = loss.compute(
                        logProbs, batch.behaviourLogProbs(), referenceLogProbs, batch.mask(), batch.advantages());
                collector.backward(output.loss());
            }
            float lossValue = output.loss().getFloat();
            float gradNorm = optimizer.step();
            return new GrpoUpdateResult(lossValue, gradNorm, output.diagnostics(), samples.size());
        }
    }
}
