package dev.aha.runtime.policy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How to build one configured policy, on whatever thread and device asks: the learner, every rollout replica, the
 * frozen reference and the evaluator each build their own from the same factory, so they agree on the layout.
 */
public interface PolicyFactory {

    /** {@code gpt}, {@code llama}, {@code qwen2}, {@code qwen3}. */
    String architecture();

    int vocabSize();

    int contextLength();

    /** The weights' names, shapes and order, known without building the policy. */
    ParameterLayout layout();

    /** What one cached position holds, known without building the policy (to size a KV cache). */
    KvShape kvShape();

    /**
     * A policy with its initial weights: seeded for the built-in GPT, read from the model directory for a Hugging
     * Face model. The weights live in a sub-manager of {@code parent}, on its device.
     */
    Policy create(NDManager parent);

    /**
     * A policy whose weights are about to be overwritten by {@link Policy#importWeights} (a rollout replica, a
     * reference restored from a snapshot): it may skip reading the model's files.
     */
    default Policy blank(NDManager parent) {
        return create(parent);
    }

    /**
     * A blank policy whose weights are stored and multiplied in {@code type}: a rollout's narrow copy
     * ({@code aha.rollout.dtype}). Imported float32 weights are rounded to it; norms, softmax and logits stay float32.
     */
    default Policy blank(NDManager parent, DataType type) {
        if (type != DataType.FLOAT32) {
            throw new IllegalArgumentException(architecture() + " policies compute in float32 only, not " + type);
        }
        return blank(parent);
    }

    /**
     * A policy over the weights of {@code base} (built by this factory), sharing their storage: a rollout decoding
     * over the learner's frozen LoRA base in the same JVM ({@link dev.aha.runtime.policy.lora.SharedBase}).
     *
     * @throws IllegalArgumentException for architectures that cannot share
     */
    default Policy sharing(NDManager parent, Policy base) {
        throw new IllegalArgumentException(architecture() + " policies cannot share their weights: "
                + "aha.lora.rollout-apply = shared needs a llama, qwen2 or qwen3 model");
    }

    /**
     * What a checkpoint records (its {@code policy.json}) so that {@code aha eval}, {@code generate} and
     * {@code export} rebuild this architecture from the checkpoint alone; {@link Policies#fromDescription} reads it.
     */
    ObjectNode describe();
}
