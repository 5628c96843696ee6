package dev.aha.runtime.policy.gpt;

import ai.djl.ndarray.NDManager;
import dev.aha.runtime.policy.ParameterLayout;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;

/** Builds the built-in GPT from its sizes; equal configs give equal initial weights (the init seed). */
public record GptFactory(GptConfig config) implements PolicyFactory {

    @Override
    public String architecture() {
        return GptConfig.ARCHITECTURE;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    @Override
    public ParameterLayout layout() {
        return config.layout();
    }

    @Override
    public Policy create(NDManager parent) {
        return GptPolicy.create(config, parent);
    }
}
