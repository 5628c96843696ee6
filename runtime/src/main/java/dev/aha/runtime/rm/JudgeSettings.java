package dev.aha.runtime.rm;

import com.typesafe.config.Config;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code aha.reward.judge} (see reference.conf): an LLM judge, a causal model prompted with a rubric whose rating is
 * parsed from its greedy output.
 *
 * @param model a Hugging Face causal model directory or a policy checkpoint; "" = none
 * @param template the rubric, with {@code {prompt}} and {@code {response}} where the prompt and the completion go
 * @param parse a regular expression whose first group is the rating (the first match in the judge's output)
 * @param scale the rating is divided by this: a 0-10 rubric becomes a 0-1 reward
 * @param weight the judge's part = weight * rating / scale
 * @param scope what of the completion the rubric shows
 * @param maxNewTokens most tokens the judge writes
 * @param contextLength caps a Hugging Face judge's context
 */
public record JudgeSettings(String model, String template, String parse, double scale, double weight,
        RewardModelSettings.Scope scope, int maxNewTokens, int contextLength) {

    public JudgeSettings {
        if (!template.contains("{response}")) {
            throw new IllegalArgumentException("aha.reward.judge.template must contain {response}, where the "
                    + "completion goes");
        }
        try {
            if (Pattern.compile(parse).matcher("").groupCount() < 1) {
                throw new IllegalArgumentException("aha.reward.judge.parse must have a group, (...), around the "
                        + "rating: " + parse);
            }
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("aha.reward.judge.parse is not a regular expression: "
                    + e.getDescription() + " in " + parse);
        }
        if (!(scale > 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("aha.reward.judge.scale must be positive and weight finite, were "
                    + scale + " and " + weight);
        }
        if (maxNewTokens < 1 || contextLength < 2) {
            throw new IllegalArgumentException("aha.reward.judge.max-new-tokens must be positive and context-length "
                    + "at least 2, were " + maxNewTokens + " and " + contextLength);
        }
    }

    public static JudgeSettings fromConfig(Config judge) {
        return new JudgeSettings(judge.getString("model"), judge.getString("template"), judge.getString("parse"),
                judge.getDouble("scale"), judge.getDouble("weight"),
                RewardModelSettings.parse(RewardModelSettings.Scope.class, judge.getString("scope"),
                        "aha.reward.judge.scope"),
                judge.getInt("max-new-tokens"), judge.getInt("context-length"));
    }

    public boolean enabled() {
        return !model.isBlank();
    }

    /** The rubric filled in. */
    public String render(String prompt, String response) {
        return template.replace("{prompt}", prompt).replace("{response}", response);
    }
}
