package dev.aha.runtime.grpo;

import ai.djl.ndarray.NDArray;

/**
 * A policy-gradient loss over a (micro-)batch: arrays (B, C) over the shifted completion columns, {@code mask} 1 on
 * the policy's tokens only, {@code advantages} (B, 1) per sequence or (B, C) per token. See {@link GrpoLoss}.
 */
public interface PolicyLoss {

    GrpoSettings settings();

    /**
     * @param proximalLogProbs log pi_prox without gradient, or null for {@code logProbs} detached
     * @param referenceLogProbs log pi_ref; given exactly when {@link GrpoSettings#klInLoss()}
     */
    GrpoLoss.Output compute(NDArray logProbs, NDArray proximalLogProbs, NDArray behaviourLogProbs,
            NDArray referenceLogProbs, NDArray mask, NDArray advantages, GrpoLoss.Totals totals);

    /** The whole batch at once. */
    default GrpoLoss.Output compute(NDArray logProbs, NDArray behaviourLogProbs, NDArray referenceLogProbs,
            NDArray mask, NDArray advantages) {
        return compute(logProbs, null, behaviourLogProbs, referenceLogProbs, mask, advantages,
                new GrpoLoss.Totals(mask.getShape().get(0), mask.sum().getFloat()));
    }

    /** Some rows of a batch, normalised over the whole batch ({@code totals}); pi_prox = {@code logProbs} detached. */
    default GrpoLoss.Output compute(NDArray logProbs, NDArray behaviourLogProbs, NDArray referenceLogProbs,
            NDArray mask, NDArray advantages, GrpoLoss.Totals totals) {
        return compute(logProbs, null, behaviourLogProbs, referenceLogProbs, mask, advantages, totals);
    }

    /** The loss {@code settings}' algorithm trains with. */
    static PolicyLoss of(GrpoSettings settings) {
        return settings.algorithm() == Algorithm.GSPO ? new GspoLoss(settings) : new GrpoLoss(settings);
    }
}
