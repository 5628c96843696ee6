package dev.aha.runtime.grpo;

import ai.djl.ndarray.NDArray;
import dev.aha.runtime.engine.Scalars;

/**
 * The GRPO objective (DeepSeekMath eq. 3, with DAPO's asymmetric clip and a choice of aggregation), as a loss to
 * minimise, with an optional correction for rollouts whose log-probs differ from the learner's ({@link
 * RolloutCorrection}). Per completion token t of sequence i:
 *
 * <pre>
 *   lp = log pi_theta (recording gradients)   lb = log pi_behaviour (recorded at sampling time)
 *   lq = log pi_prox = sg(lp): the policy before this step's update, no gradient     C = the correction's cap
 *
 *   anchor_it = lb_it                          correction none
 *             = lq_it                          tis, mis
 *   w_it      = 1                              none
 *             = min(exp(lq_it - lb_it), C)     tis: truncated importance weight
 *             = exp(lq_it - lb_it) * 1[exp(lq_it - lb_it) &lt;= C]     mis: tokens past the cap leave the loss
 *   rho_it    = exp(lp_it - anchor_it)                                  ratio, clipped below
 *   surr_it   = w_it * min(rho_it * A_i, clip(rho_it, 1 - eps_low, 1 + eps_high) * A_i)
 *   k3_it     = pi_ref / pi_theta - log(pi_ref / pi_theta) - 1          unbiased KL estimator, &gt;= 0
 *   J_it      = surr_it - beta * k3_it
 *   loss      = -aggregate_i,t(J_it)                                    see {@link LossAggregation}
 * </pre>
 *
 * With correction none this is the paper's loss, computed by the same operations as before the correction existed.
 * w carries no gradient. A token mis masks keeps its place in the aggregation's normaliser (it counts as a term of
 * value 0, as its KL term stays): the normaliser then does not depend on the policy, and micro-batches of a batch
 * need no count of the tokens masked in the others.
 *
 * <p>All arrays are (B, T-1) over the shifted token positions, with {@code mask} selecting completion tokens, and
 * {@code advantages} is (B, 1), or (B, T-1) per token (REINFORCE++). GRPO, RLOO and REINFORCE++ train with this loss
 * (they differ in their advantages, {@link Algorithm}); REINFORCE++ has no k3 term: its KL is in the reward.
 */
public final class GrpoLoss implements PolicyLoss {

    private final GrpoSettings settings;

    public GrpoLoss(GrpoSettings settings) {
        if (settings.algorithm() == Algorithm.GSPO) {
            throw new IllegalArgumentException("algorithm gspo trains with GspoLoss (PolicyLoss.of), not GrpoLoss");
        }
        this.settings = settings;
    }

    @Override
    public GrpoSettings settings() {
        return settings;
    }

    /**
     * The batch a loss is normalised over. A micro-batch (some rows of a batch) is normalised over the whole batch,
     * so that the micro-batches' losses, and their gradients, add up to the batch's.
     */
    public record Totals(long sequences, float tokens) {}

    /**
     * @param logProbs log pi_theta, recording gradients
     * @param behaviourLogProbs log pi_old, recorded at sampling time
     * @param referenceLogProbs log pi_ref; must be null when beta = 0 (the reference is never run then)
     */
    @Override
    public Output compute(
            NDArray logProbs, NDArray behaviourLogProbs, NDArray referenceLogProbs, NDArray mask, NDArray advantages) {
        return compute(logProbs, behaviourLogProbs, referenceLogProbs, mask, advantages,
                new Totals(mask.getShape().get(0), mask.sum().getFloat()));
    }

    /** The loss of some rows of a batch, normalised over the whole batch ({@code totals}). */
    @Override
    public Output compute(NDArray logProbs, NDArray behaviourLogProbs, NDArray referenceLogProbs, NDArray mask,
            NDArray advantages, Totals totals) {
        return compute(logProbs, null, behaviourLogProbs, referenceLogProbs, mask, advantages, totals);
    }

    /**
     * @param proximalLogProbs log pi_prox, without gradient; null = {@code logProbs} detached (one update per batch:
     *     the forward that records gradients is the policy before the update). Unused with correction none.
     */
    @Override
    public Output compute(NDArray logProbs, NDArray proximalLogProbs, NDArray behaviourLogProbs,
            NDArray referenceLogProbs, NDArray mask, NDArray advantages, Totals totals) {
        if (settings.klInLoss() == (referenceLogProbs == null)) {
            throw new IllegalArgumentException(settings.klInLoss()
                    ? "beta = " + settings.beta() + " needs reference log-probs"
                    : "beta = 0: the reference must not be run, yet reference log-probs were given");
        }
        NDArray anchor = behaviourLogProbs;
        NDArray weights = null; // w; null stands for 1
        NDArray beyondCap = null; // 1 where w > C
        if (settings.correction().corrects()) {
            anchor = proximalLogProbs != null ? proximalLogProbs.stopGradient() : logProbs.stopGradient();
            NDArray w = anchor.sub(behaviourLogProbs).exp(); // pi_prox / pi_behaviour, no gradient
            beyondCap = w.gt(settings.correction().cap()).toType(mask.getDataType(), false);
            weights = boundedWeights(w, beyondCap);
        }
        NDArray ratio = logProbs.sub(anchor).exp(); // rho, (B, T-1)
        NDArray clipped = Scalars.clip(ratio, 1 - settings.epsLow(), 1 + settings.epsHigh());
        NDArray unclippedTerm = ratio.mul(advantages); // pg term 1
        NDArray clippedTerm = clipped.mul(advantages); // pg term 2
        NDArray objective = unclippedTerm.minimum(clippedTerm); // surr
        if (weights != null) {
            objective = objective.mul(weights);
        }

        NDArray k3 = null;
        if (referenceLogProbs != null) {
            NDArray refMinusTheta = referenceLogProbs.sub(logProbs); // log(pi_ref / pi_theta)
            k3 = refMinusTheta.exp().sub(refMinusTheta).sub(1);
            objective = objective.sub(Scalars.times(k3, settings.beta()));
        }
        NDArray loss = aggregate(objective.mul(mask), mask, totals).neg();
        return new Output(loss, diagnostics(ratio, k3, beyondCap, mask, advantages));
    }

    /** tis: min(w, C); mis: w where w &lt;= C, else 0. */
    private NDArray boundedWeights(NDArray w, NDArray beyondCap) {
        if (settings.correction().mode() == RolloutCorrection.Mode.TIS) {
            try (NDArray cap = Scalars.constant(w.getManager(), settings.correction().cap())) {
                return w.minimum(cap);
            }
        }
        return w.mul(beyondCap.neg().add(1f));
    }

    private NDArray aggregate(NDArray maskedTerms, NDArray mask, Totals totals) {
        switch (settings.aggregation()) {
            case SEQUENCE_MEAN: {
                NDArray perSequence = maskedTerms.sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
                return Scalars.dividedBy(perSequence.sum(), totals.sequences());
            }
            case TOKEN_MEAN:
                return Scalars.dividedBy(maskedTerms.sum(), Math.max(1f, totals.tokens()));
            case DR_GRPO:
                return Scalars.dividedBy(maskedTerms.sum(), (double) (totals.sequences() * (long) settings.drGrpoNormalizer()));
            default:
                throw new IllegalStateException("unknown aggregation " + settings.aggregation());
        }
    }

    /** Token means over completion tokens; clip fractions count only tokens where the clip is active. */
    private GrpoDiagnostics diagnostics(NDArray ratio, NDArray k3, NDArray beyondCap, NDArray mask,
            NDArray advantages) {
        NDArray r = ratio.stopGradient();
        float tokens = Math.max(1f, mask.sum().getFloat());
        NDArray positive = advantages.gt(0).toType(mask.getDataType(), false);
        NDArray negative = advantages.lt(0).toType(mask.getDataType(), false);
        float clipLow = r.lt(1 - settings.epsLow()).toType(mask.getDataType(), false)
                .mul(negative).mul(mask).sum().getFloat() / tokens;
        float clipHigh = r.gt(1 + settings.epsHigh()).toType(mask.getDataType(), false)
                .mul(positive).mul(mask).sum().getFloat() / tokens;
        float meanRatio = r.mul(mask).sum().getFloat() / tokens;
        float meanKl = k3 == null ? 0f : k3.stopGradient().mul(mask).sum().getFloat() / tokens;
        float meanAdvantage = advantages.mean().getFloat();
        float corrected = beyondCap == null ? 0f : beyondCap.mul(mask).sum().getFloat() / tokens;
        return new GrpoDiagnostics(meanKl, clipLow, clipHigh, meanRatio, meanAdvantage, (long) tokens, corrected);
    }

    /** The scalar loss (recording gradients) and its diagnostics. */
    public record Output(NDArray loss, GrpoDiagnostics diagnostics) {}
}
