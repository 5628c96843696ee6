package dev.aha.runtime.reward;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/**
 * Weights of the composite reward.
 *
 * @param accuracyWeight weight of {@link AccuracyReward}
 * @param formatWeight weight of {@link FormatReward}
 * @param languageWeight weight of {@link LanguageConsistencyReward}; 0 leaves it out
 * @param language the target script of the language reward
 */
public record RewardSettings(double accuracyWeight, double formatWeight, double languageWeight, TargetScript language) {

    /** Reads {@code aha.reward} (see reference.conf). */
    public static RewardSettings fromConfig(Config reward) {
        return new RewardSettings(reward.getDouble("accuracy-weight"), reward.getDouble("format-weight"),
                reward.getDouble("language-weight"), reward.getEnum(TargetScript.class, "language"));
    }

    /** Accuracy and format always (their scores are reported even at weight 0), language when weighted. */
    public CompositeReward compose() {
        List<WeightedReward> parts = new ArrayList<>();
        parts.add(new WeightedReward(new AccuracyReward(), accuracyWeight));
        parts.add(new WeightedReward(new FormatReward(), formatWeight));
        if (languageWeight > 0) {
            parts.add(new WeightedReward(new LanguageConsistencyReward(language), languageWeight));
        }
        return new CompositeReward(parts);
    }
}
