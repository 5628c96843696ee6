package dev.aha.runtime.grpo;

import ai.djl.ndarray.NDArray;
import dev.aha.runtime.engine.Scalars;

/**
 * GSPO's objective (Zheng et al. 2025, "Group Sequence Policy Optimization", eq. 5-7), as a loss to minimise. The
 * importance ratio is the sequence's, length-normalised, and the clip acts on whole sequences:
 *
 * <pre>
 *   |y_i|   = number of policy tokens of sequence i            (observations of multi-turn episodes excluded)
 *   s_i     = (pi_theta(y_i) / pi_old(y_i))^(1/|y_i|) = exp( 1/|y_i| * sum_t (lp_it - lb_it) )
 *   J_i     = min(s_i A_i, clip(s_i, 1 - eps_low, 1 + eps_high) A_i) - beta * 1/|y_i| * sum_t k3_it
 *   loss    = -1/B * sum_i J_i                                  (B: the whole batch's sequences)
 * </pre>
 *
 * A_i is GRPO's group-normalised advantage. The paper's clip ranges are about 1e-3 of GRPO's (3e-4 and 4e-4): the
 * ratio is a per-token geometric mean. The paper has no KL term; beta &gt; 0 adds GRPO's k3, averaged per sequence.
 * A sequence with no policy token adds nothing. Diagnostics count sequences: clip fractions are shares of sequences,
 * the mean ratio is the mean s_i.
 */
public final class GspoLoss implements PolicyLoss {

    private final GrpoSettings settings;

    public GspoLoss(GrpoSettings settings) {
        if (settings.algorithm() != Algorithm.GSPO) {
            throw new IllegalArgumentException("GspoLoss needs algorithm gspo, was " + settings.algorithm());
        }
        this.settings = settings;
    }

    @Override
    public GrpoSettings settings() {
        return settings;
    }

    @Override
    public GrpoLoss.Output compute(NDArray logProbs, NDArray proximalLogProbs, NDArray behaviourLogProbs,
            NDArray referenceLogProbs, NDArray mask, NDArray advantages, GrpoLoss.Totals totals) {
        if (settings.klInLoss() == (referenceLogProbs == null)) {
            throw new IllegalArgumentException(settings.klInLoss()
                    ? "beta = " + settings.beta() + " needs reference log-probs"
                    : "beta = 0: the reference must not be run, yet reference log-probs were given");
        }
        NDArray length = mask.sum(new int[] {1}, true); // |y_i|, (B, 1)
        NDArray present = length.gt(0).toType(mask.getDataType(), false);
        NDArray perToken = length.maximum(1f);
        NDArray logRatio = logProbs.sub(behaviourLogProbs).mul(mask).sum(new int[] {1}, true).div(perToken);
        NDArray ratio = logRatio.exp(); // s_i, (B, 1)
        NDArray clipped = Scalars.clip(ratio, 1 - settings.epsLow(), 1 + settings.epsHigh());
        NDArray objective = ratio.mul(advantages).minimum(clipped.mul(advantages));
        NDArray k3 = null;
        if (referenceLogProbs != null) {
            NDArray refMinusTheta = referenceLogProbs.sub(logProbs);
            k3 = refMinusTheta.exp().sub(refMinusTheta).sub(1).mul(mask);
            objective = objective.sub(Scalars.times(k3.sum(new int[] {1}, true).div(perToken), settings.beta()));
        }
        NDArray loss = Scalars.dividedBy(objective.mul(present).sum(), Math.max(1, totals.sequences())).neg();
        return new GrpoLoss.Output(loss, diagnostics(ratio, k3, present, mask, advantages));
    }

    private GrpoDiagnostics diagnostics(NDArray ratio, NDArray k3, NDArray present, NDArray mask, NDArray advantages) {
        NDArray s = ratio.stopGradient();
        float sequences = Math.max(1f, present.sum().getFloat());
        float tokens = Math.max(1f, mask.sum().getFloat());
        NDArray positive = advantages.gt(0).toType(mask.getDataType(), false).mul(present);
        NDArray negative = advantages.lt(0).toType(mask.getDataType(), false).mul(present);
        float clipLow = s.lt(1 - settings.epsLow()).toType(mask.getDataType(), false).mul(negative).sum().getFloat()
                / sequences;
        float clipHigh = s.gt(1 + settings.epsHigh()).toType(mask.getDataType(), false).mul(positive).sum()
                .getFloat() / sequences;
        float meanRatio = s.mul(present).sum().getFloat() / sequences;
        float meanKl = k3 == null ? 0f : k3.stopGradient().sum().getFloat() / tokens;
        return new GrpoDiagnostics(meanKl, clipLow, clipHigh, meanRatio, advantages.mean().getFloat(),
                (long) mask.sum().getFloat(), 0f);
    }
}
