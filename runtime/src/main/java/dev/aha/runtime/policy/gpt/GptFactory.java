package dev.aha.runtime.policy.gpt;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.policy.KvShape;
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
    public KvShape kvShape() {
        return config.kvShape();
    }

    @Override
    public Policy create(NDManager parent) {
        return GptPolicy.create(config, parent);
    }

    @Override
    public Policy blank(NDManager parent, DataType type) {
        return GptPolicy.create(config, parent, type);
    }

    @Override
    public ObjectNode describe() {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("architecture", GptConfig.ARCHITECTURE);
        d.put("vocab_size", config.vocabSize());
        d.put("context_length", config.contextLength());
        d.put("model_dim", config.modelDim());
        d.put("layers", config.layers());
        d.put("heads", config.heads());
        d.put("mlp_multiplier", config.mlpMultiplier());
        d.put("init_seed", config.initSeed());
        return d;
    }

    /** The inverse of {@link #describe}. */
    public static GptFactory fromDescription(ObjectNode d) {
        return new GptFactory(new GptConfig(d.path("vocab_size").asInt(), d.path("context_length").asInt(),
                d.path("model_dim").asInt(), d.path("layers").asInt(), d.path("heads").asInt(),
                d.path("mlp_multiplier").asInt(), d.path("init_seed").asLong()));
    }
}
