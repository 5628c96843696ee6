package dev.aha.runtime.rm;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * {@code aha.reward.route} and {@code aha.reward.model} (see reference.conf): whether and how a learned reward joins
 * the rules.
 *
 * @param route what rewards a prompt whose row names no route
 * @param path the reward model's directory, or "" for none
 * @param contextLength most tokens it reads per completion, prompt included
 */
public record RewardModelSettings(RewardRoute route, String path, Scope scope, double weight, Normalize normalize,
        int contextLength) {

    /** What the model reads after the prompt. */
    public enum Scope { ANSWER, FULL }

    /** How its score becomes the model part of the reward. */
    public enum Normalize { NONE, SIGMOID }

    public RewardModelSettings {
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("aha.reward.model.weight must be a finite number, was " + weight);
        }
        if (contextLength < 2) {
            throw new IllegalArgumentException("aha.reward.model.context-length must be at least 2, was "
                    + contextLength);
        }
    }

    /** No reward model: the rules alone. */
    public static RewardModelSettings none() {
        return new RewardModelSettings(RewardRoute.RULE, "", Scope.ANSWER, 1.0, Normalize.NONE, 2048);
    }

    /** Reads {@code aha.reward}'s {@code route} and {@code model}. */
    public static RewardModelSettings fromConfig(Config reward) {
        Config m = reward.getConfig("model");
        return new RewardModelSettings(RewardRoute.parse(reward.getString("route"), "aha.reward.route"),
                m.getString("path"), parse(Scope.class, m.getString("scope"), "aha.reward.model.scope"),
                m.getDouble("weight"), parse(Normalize.class, m.getString("normalize"), "aha.reward.model.normalize"),
                m.getInt("context-length"));
    }

    public boolean hasModel() {
        return !path.isBlank();
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text, String key) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : " | ").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(key + " must be " + allowed + ", was '" + text + "'");
        }
    }
}
