package dev.aha.runtime.reward;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Weights of the composite reward, and where its accuracy part finds the answer.
 *
 * @param accuracyWeight weight of {@link AccuracyReward}
 * @param formatWeight weight of {@link FormatReward}
 * @param languageWeight weight of {@link LanguageConsistencyReward}; 0 leaves it out
 * @param language the target script of the language reward
 * @param extract where the accuracy reward looks for the final answer
 */
public record RewardSettings(double accuracyWeight, double formatWeight, double languageWeight, TargetScript language,
                             ExtractMode extract) {

    public RewardSettings {
        Objects.requireNonNull(extract, "extract");
    }

    /** Reads {@code aha.reward} (see reference.conf); a bad {@code extract} is refused here, naming the key. */
    public static RewardSettings fromConfig(Config reward) {
        return new RewardSettings(reward.getDouble("accuracy-weight"), reward.getDouble("format-weight"),
                reward.getDouble("language-weight"), reward.getEnum(TargetScript.class, "language"),
                ExtractMode.parse(reward.getString("extract"), "aha.reward.extract"));
    }

    /** These settings with the accuracy reward reading answers in {@code mode} ({@code aha score --extract}). */
    public RewardSettings withExtract(ExtractMode mode) {
        return new RewardSettings(accuracyWeight, formatWeight, languageWeight, language, mode);
    }

    /** Accuracy and format always (their scores are reported even at weight 0), language when weighted. */
    public CompositeReward compose() {
        List<WeightedReward> parts = new ArrayList<>();
        parts.add(new WeightedReward(new AccuracyReward(extract), accuracyWeight));
        parts.add(new WeightedReward(new FormatReward(), formatWeight));
        if (languageWeight > 0) {
            parts.add(new WeightedReward(new LanguageConsistencyReward(language), languageWeight));
        }
        return new CompositeReward(parts);
    }
}
