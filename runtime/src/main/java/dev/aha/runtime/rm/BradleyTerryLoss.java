package dev.aha.runtime.rm;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The reward model's loss on preference pairs, as TRL's RewardTrainer computes it:
 *
 * <pre>
 *   loss = mean( -log sigmoid(r_chosen - r_rejected - margin) ) + c * mean( (r_chosen + r_rejected)^2 )
 * </pre>
 *
 * Bradley-Terry's likelihood of the preferences, with TRL's per-pair margin and its reward-centering term
 * (Eisenstein et al. 2023: keeps rewards near zero, as the term's coefficient {@code center_rewards_coefficient}).
 * {@code -log sigmoid(x)} is computed as {@code softplus(-x)}, which stays finite for large |x|.
 */
public final class BradleyTerryLoss {

    private final float centering;

    /** @param centering TRL's center_rewards_coefficient; 0 for none */
    public BradleyTerryLoss(float centering) {
        if (!(centering >= 0) || !Float.isFinite(centering)) {
            throw new IllegalArgumentException("the reward-centering coefficient must be 0 or more, was " + centering);
        }
        this.centering = centering;
    }

    /**
     * @param chosen (B,) rewards of the chosen responses
     * @param rejected (B,) rewards of the rejected ones
     * @param margins (B,) margins (zeros for none)
     * @return the scalar loss, in the manager of {@code chosen}
     */
    public NDArray loss(NDArray chosen, NDArray rejected, NDArray margins) {
        NDArray preference = Activation.softPlus(chosen.sub(rejected).sub(margins).neg()).mean();
        if (centering == 0) {
            return preference;
        }
        return preference.add(chosen.add(rejected).square().mean().mul(centering));
    }
}
