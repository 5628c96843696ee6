package dev.aha.runtime.rm;

import java.nio.file.Files;
import java.nio.file.Path;

/** Which kind of reward model a directory holds, told by its files. */
public final class RewardModelSources {

    private RewardModelSources() {}

    /**
     * A Hugging Face directory (config.json: a {@code *ForSequenceClassification}, or a causal model to start one
     * from), a GPT reward model ({@value GptRewardModelSource#DESCRIPTION}), or a GPT policy checkpoint to start one
     * from.
     *
     * @param maxContext caps a Hugging Face model's context
     * @param padFallback a fresh head's pad token when the model names none (the tokenizer's)
     */
    public static RewardModelSource open(Path dir, int maxContext, Integer padFallback) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no such model directory: " + dir);
        }
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            return HfRewardModelSource.open(dir, maxContext, padFallback);
        }
        if (Files.isRegularFile(dir.resolve(GptRewardModelSource.DESCRIPTION))) {
            return GptRewardModelSource.fromDirectory(dir);
        }
        return GptRewardModelSource.fromCheckpoint(dir, padFallback);
    }

    /** The same, refusing what gives no single reward: a model without a score head, or num_labels other than 1. */
    public static RewardModelSource openForScoring(Path dir, int maxContext) {
        RewardModelSource source = open(dir, maxContext, null);
        if (!source.hasScoreHead()) {
            throw new IllegalArgumentException(dir + " is a language model without a score head, not a reward model: "
                    + "train one with aha rm train --model " + dir);
        }
        if (source.numLabels() != 1) {
            throw new IllegalArgumentException(dir + " has num_labels = " + source.numLabels() + ": a reward is one "
                    + "score per sequence (num_labels = 1)");
        }
        return source;
    }
}
