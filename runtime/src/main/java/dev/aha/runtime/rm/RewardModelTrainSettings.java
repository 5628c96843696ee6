package dev.aha.runtime.rm;

import com.typesafe.config.Config;

/**
 * {@code aha.rm} (see reference.conf): how a reward model is trained on preference pairs, the defaults of
 * {@code aha rm train}'s flags and of a recipe's rm-train stage.
 *
 * @param batchSize pairs a step
 * @param learningRate AdamW's
 * @param centerRewards TRL's center_rewards_coefficient; 0 for none
 * @param heldOut share of the pairs kept out of training, in (0, 1)
 * @param evalEvery steps between held-out measurements
 * @param contextLength caps a Hugging Face model's context
 * @param seed seeds the split, the order and a fresh head
 */
public record RewardModelTrainSettings(int batchSize, double learningRate, float centerRewards, double heldOut,
        int evalEvery, int contextLength, long seed) {

    public RewardModelTrainSettings {
        if (batchSize < 1 || evalEvery < 1 || contextLength < 2) {
            throw new IllegalArgumentException("aha.rm: batch-size and eval-every must be positive and context-length "
                    + "at least 2, were " + batchSize + ", " + evalEvery + " and " + contextLength);
        }
        if (!(learningRate > 0) || !Float.isFinite(centerRewards) || centerRewards < 0) {
            throw new IllegalArgumentException("aha.rm: learning-rate must be positive and center-rewards a finite "
                    + "number >= 0, were " + learningRate + " and " + centerRewards);
        }
        if (!(heldOut > 0 && heldOut < 1)) {
            throw new IllegalArgumentException("aha.rm.held-out must be in (0, 1), was " + heldOut);
        }
    }

    /** Reads the {@code aha.rm} block. */
    public static RewardModelTrainSettings fromConfig(Config rm) {
        return new RewardModelTrainSettings(rm.getInt("batch-size"), rm.getDouble("learning-rate"),
                (float) rm.getDouble("center-rewards"), rm.getDouble("held-out"), rm.getInt("eval-every"),
                rm.getInt("context-length"), rm.getLong("seed"));
    }
}
