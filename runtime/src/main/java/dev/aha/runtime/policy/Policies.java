package dev.aha.runtime.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.HfModel;
import java.nio.file.Path;

/** Makes the factory {@code aha.policy} describes: the one place that names the implementations. */
public final class Policies {

    public static final String GPT = GptConfig.ARCHITECTURE;
    /** A Hugging Face model directory; its config.json's model_type picks llama, qwen2 or qwen3. */
    public static final String HF = "hf";

    private Policies() {}

    /**
     * @param policy the {@code aha.policy} block
     * @param tokenizerVocabSize the ids the run's tokenizer makes: the built-in GPT's vocabulary (whether a model's
     *     vocabulary holds them is a rule across sections, checked with the others where the run's settings are built)
     */
    public static PolicyFactory fromConfig(Config policy, int tokenizerVocabSize) {
        String architecture = policy.getString("architecture");
        String model = policy.getString("model");
        String dtype = policy.getString("dtype");
        if (!"f32".equals(dtype)) {
            throw new IllegalArgumentException("aha.policy.dtype = " + dtype + " is not implemented: policies compute "
                    + "in f32 (files in F16 or BF16 are converted on load; aha.weights.wire-dtype sends bf16)");
        }
        switch (architecture) {
            case GPT -> {
                if (!model.isBlank()) {
                    throw new IllegalArgumentException("aha.policy.model = " + model + " needs aha.policy.architecture"
                            + " = hf (the built-in gpt is sized by aha.policy, not loaded from a directory)");
                }
                return new GptFactory(GptConfig.fromConfig(policy, tokenizerVocabSize));
            }
            case HF -> {
                if (model.isBlank()) {
                    throw new IllegalArgumentException("aha.policy.architecture = hf needs aha.policy.model = DIR "
                            + "(or --model DIR): a Hugging Face model directory");
                }
                return HfModel.open(Path.of(model), policy.getInt("context-length"));
            }
            default -> throw new IllegalArgumentException(
                    "aha.policy.architecture must be gpt or hf, was '" + architecture + "'");
        }
    }

    /** Rebuilds the factory a checkpoint's policy.json describes ({@link PolicyFactory#describe}). */
    public static PolicyFactory fromDescription(ObjectNode description) {
        String architecture = description.path("architecture").asText("");
        return switch (architecture) {
            case GPT -> GptFactory.fromDescription(description);
            case HF -> HfModel.fromDescription(description);
            default -> throw new IllegalArgumentException("policy description names no known architecture ('"
                    + architecture + "'): " + description);
        };
    }
}
