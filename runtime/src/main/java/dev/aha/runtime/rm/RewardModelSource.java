package dev.aha.runtime.rm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import java.nio.file.Path;
import java.util.Random;

/**
 * Where a reward model comes from, known before any weight is read: a Hugging Face directory
 * ({@link HfRewardModelSource}) or the built-in GPT's ({@link GptRewardModelSource}). Each node that scores builds its
 * own model from it, on its own device.
 */
public interface RewardModelSource {

    /** transformers' class ({@code Qwen3ForSequenceClassification}, ...) or {@code gpt}. */
    String architecture();

    int contextLength();

    int numLabels();

    /** The token whose positions are never read, or null. */
    Integer padTokenId();

    /**
     * False when the source is a language model without a score head (a causal model, a policy checkpoint): a
     * starting point for training, whose head {@link #create} draws afresh.
     */
    boolean hasScoreHead();

    /** The tokenizer it was made with (a directory or {@code char}), or null when it does not say. */
    String tokenizer();

    /**
     * The model with its weights; a fresh score head is drawn as transformers initialises nn.Linear,
     * normal(0, 0.02), from {@code seed}.
     */
    RewardModel create(NDManager parent, long seed);

    /** Writes {@code model} (built from this source, possibly trained since) to {@code target}, a new directory. */
    Path write(RewardModel model, Path target, SafetensorsDType dtype);

    /** transformers' _init_weights for nn.Linear: normal(0, initializer_range = 0.02). */
    static NDArray freshHead(NDManager manager, int numLabels, int hidden, long seed) {
        Random rng = new Random(seed);
        float[] values = new float[numLabels * hidden];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rng.nextGaussian() * 0.02);
        }
        return manager.create(values, new Shape(numLabels, hidden));
    }
}
