package dev.aha.app.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.policy.Policies;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run's settings from settings already parsed (a recipe's {@code config} blocks, a student's file): the layers of
 * {@link AhaConfig} with {@code user} where a {@code --config} file goes and {@code overrides} (the command line's
 * --set) where --set goes, and {@code forced} keys on top of all, as a command line's options are.
 */
public final class Configs {

    private Configs() {}

    public static RunConfig load(Config user, Map<String, Object> forced) {
        return load(user, ConfigFactory.empty(), forced);
    }

    public static RunConfig load(Config user, Config overrides, Map<String, Object> forced) {
        Config base = AhaConfig.load(user, overrides);
        return RunConfig.from(ConfigFactory.parseMap(forced).withFallback(base).resolve());
    }

    /**
     * The settings for working with {@code checkpoint} (null: the configured policy's initial weights): its
     * policy.json names the architecture and the tokenizer it was trained with, as {@code aha eval --checkpoint}
     * reads it; a checkpoint without one is read with these settings.
     */
    public static RunConfig forCheckpoint(Config user, Map<String, Object> forced, Path checkpoint) {
        return forCheckpoint(user, ConfigFactory.empty(), forced, checkpoint);
    }

    public static RunConfig forCheckpoint(Config user, Config overrides, Map<String, Object> forced,
            Path checkpoint) {
        if (checkpoint == null) {
            return load(user, overrides, forced);
        }
        Optional<ObjectNode> described = CheckpointStore.policyDescription(checkpoint);
        if (described.isEmpty()) {
            return load(user, overrides, forced);
        }
        Map<String, Object> all = new HashMap<>(forced);
        String recorded = described.get().path("tokenizer").asText("");
        if (!recorded.isEmpty()) {
            all.putIfAbsent("aha.tokenizer", recorded);
        }
        return load(user, overrides, all).withPolicy(Policies.fromDescription(described.get()));
    }

    /**
     * What held-out figures depend on besides the weights: two configs with the same signature measure a checkpoint
     * the same way (the same prompts, samples, seed, template, sampling and answer extraction).
     */
    public static String evalSignature(RunConfig c) {
        return String.join("|", c.train().task(), Integer.toString(c.train().evalPrompts()),
                Integer.toString(c.train().evalK()), Long.toString(c.train().seed()), c.sampling().toString(),
                c.template().text(), Boolean.toString(c.template().isChat()), c.reward().extract().configName());
    }
}
