package dev.aha.runtime.reward;

import com.typesafe.config.Config;
import dev.aha.runtime.rm.JudgeSettings;
import dev.aha.runtime.rm.RewardModelSettings;
import dev.aha.runtime.sandbox.Sandbox;
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
 * @param codePartialCredit code tasks: the share of tests passed instead of all-or-nothing
 * @param model the reward model beside the rules, and which prompts a learned reward scores ({@code aha.reward.route})
 * @param judge the LLM judge, the other learned reward (at most one of the two)
 */
public record RewardSettings(double accuracyWeight, double formatWeight, double languageWeight, TargetScript language,
                             ExtractMode extract, boolean codePartialCredit, RewardModelSettings model,
                             JudgeSettings judge) {

    public RewardSettings {
        Objects.requireNonNull(extract, "extract");
        Objects.requireNonNull(model, "model");
        if (model.hasModel() && judge != null && judge.enabled()) {
            throw new IllegalArgumentException("aha.reward.model.path and aha.reward.judge.model both name a learned "
                    + "reward: give one");
        }
        if (model.route().usesModel() && !model.hasModel() && (judge == null || !judge.enabled())) {
            throw new IllegalArgumentException("aha.reward.route = " + model.route().label() + " needs a reward "
                    + "model: set aha.reward.model.path (or aha.reward.judge.model)");
        }
    }

    /** The rules, and a reward model or none. */
    public RewardSettings(double accuracyWeight, double formatWeight, double languageWeight, TargetScript language,
            ExtractMode extract, boolean codePartialCredit, RewardModelSettings model) {
        this(accuracyWeight, formatWeight, languageWeight, language, extract, codePartialCredit, model, null);
    }

    /** The rules alone. */
    public RewardSettings(double accuracyWeight, double formatWeight, double languageWeight, TargetScript language,
            ExtractMode extract, boolean codePartialCredit) {
        this(accuracyWeight, formatWeight, languageWeight, language, extract, codePartialCredit,
                RewardModelSettings.none());
    }

    /** All-or-nothing code rewards. */
    public RewardSettings(double accuracyWeight, double formatWeight, double languageWeight, TargetScript language,
            ExtractMode extract) {
        this(accuracyWeight, formatWeight, languageWeight, language, extract, false);
    }

    /** Reads {@code aha.reward} (see reference.conf); a bad {@code extract} is refused here, naming the key. */
    public static RewardSettings fromConfig(Config reward) {
        return new RewardSettings(reward.getDouble("accuracy-weight"), reward.getDouble("format-weight"),
                reward.getDouble("language-weight"), reward.getEnum(TargetScript.class, "language"),
                ExtractMode.parse(reward.getString("extract"), "aha.reward.extract"),
                reward.getBoolean("code-partial-credit"), RewardModelSettings.fromConfig(reward),
                JudgeSettings.fromConfig(reward.getConfig("judge")));
    }

    /** These settings with the accuracy reward reading answers in {@code mode} ({@code aha score --extract}). */
    public RewardSettings withExtract(ExtractMode mode) {
        return new RewardSettings(accuracyWeight, formatWeight, languageWeight, language, mode, codePartialCredit,
                model, judge);
    }

    /** Accuracy and format always (their scores are reported even at weight 0), language when weighted. */
    public CompositeReward compose() {
        return compose(new AccuracyReward(extract));
    }

    /** The same with a code task's accuracy: the program run against the tests in {@code sandbox}. */
    public CompositeReward composeForCode(Sandbox sandbox) {
        return compose(new CodeExecutionReward(sandbox, codePartialCredit));
    }

    /**
     * The same with a given code reward (built with {@link #codePartialCredit()}): its cache and outcome counts are
     * the caller's, shared by every composite made with it.
     */
    public CompositeReward composeForCode(CodeExecutionReward accuracy) {
        return compose(accuracy);
    }

    private CompositeReward compose(RewardFunction accuracy) {
        List<WeightedReward> parts = new ArrayList<>();
        parts.add(new WeightedReward(accuracy, accuracyWeight));
        parts.add(new WeightedReward(new FormatReward(), formatWeight));
        if (languageWeight > 0) {
            parts.add(new WeightedReward(new LanguageConsistencyReward(language), languageWeight));
        }
        return new CompositeReward(parts);
    }
}
