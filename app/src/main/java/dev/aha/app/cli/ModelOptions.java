package dev.aha.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.config.RunConfig;
import dev.aha.bench.ConfigOptions;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.policy.Policies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of every command that builds a policy: the config file and --set, the model, its tokenizer, the device. */
final class ModelOptions {

    @Mixin
    ConfigOptions settings = new ConfigOptions();

    @Option(names = "--model", paramLabel = "DIR",
            description = "A Hugging Face model directory (llama, qwen2, qwen3) instead of the built-in GPT; its "
                    + "tokenizer too, unless --tokenizer.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "DIR|char",
            description = "A Hugging Face tokenizer directory, or char (default: aha.tokenizer, or the model's).")
    String tokenizer;

    @Option(names = "--device", paramLabel = "cpu|gpu|gpu:N", description = "Where every role computes (aha.device).")
    String device;

    /** No model options but {@code settings}' (a command that reads the policy from a checkpoint alone). */
    static ModelOptions of(ConfigOptions settings) {
        ModelOptions options = new ModelOptions();
        options.settings = settings;
        return options;
    }

    /** The layered config with this command line's overrides on top. */
    RunConfig load(Map<String, Object> overrides) {
        Map<String, Object> all = new HashMap<>(overrides);
        if (model != null) {
            all.put("aha.policy.architecture", Policies.HF);
            all.put("aha.policy.model", model.toString());
            if (tokenizer == null && Files.isRegularFile(model.resolve("tokenizer.json"))) {
                all.put("aha.tokenizer", model.toString());
            }
        }
        if (tokenizer != null) {
            all.put("aha.tokenizer", tokenizer);
        }
        if (device != null) {
            all.put("aha.device", device);
        }
        Config base = settings.load();
        return RunConfig.from(ConfigFactory.parseMap(all).withFallback(base).resolve());
    }

    /**
     * The config for working with {@code checkpoint}: its policy.json names the architecture and the tokenizer it
     * was trained with (--tokenizer still wins); a checkpoint without one is read with this command's settings.
     */
    RunConfig loadFor(Path checkpoint, Map<String, Object> overrides) {
        Optional<ObjectNode> described = CheckpointStore.policyDescription(checkpoint);
        if (described.isEmpty()) {
            return load(overrides);
        }
        if (model != null) {
            throw new IllegalArgumentException("--model and a checkpoint with its own policy.json (" + checkpoint
                    + ") both name the policy: give one");
        }
        Map<String, Object> all = new HashMap<>(overrides);
        String recorded = described.get().path("tokenizer").asText("");
        if (tokenizer == null && !recorded.isEmpty()) {
            all.put("aha.tokenizer", recorded);
        }
        return load(all).withPolicy(Policies.fromDescription(described.get()));
    }
}
