package dev.aha.app.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.hf.HfSequenceClassification;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.rm.GptRewardModelSource;
import dev.aha.runtime.rm.RewardModel;
import dev.aha.runtime.rm.RewardModelSource;
import dev.aha.runtime.rm.RewardModelSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code aha export} of a reward model directory ({@code aha rm train}'s, {@code aha init-model --reward-model}'s):
 * written again as a Hugging Face {@code *ForSequenceClassification} directory (or the GPT's reward model
 * directory), in float32 or bfloat16.
 */
final class RewardModelExport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RewardModelExport() {}

    /** Whether {@code dir} holds a reward model rather than a checkpoint. */
    static boolean isRewardModel(Path dir) {
        Path config = dir.resolve("config.json");
        if (Files.isRegularFile(dir.resolve(GptRewardModelSource.DESCRIPTION))) {
            return true;
        }
        try {
            return Files.isRegularFile(config) && HfSequenceClassification.isSequenceClassifier(
                    JSON.readTree(config.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + config, e);
        }
    }

    static Path export(Path dir, Path out, SafetensorsDType dtype) {
        RewardModelSource source = RewardModelSources.open(dir, Integer.MAX_VALUE, null);
        ComputeThreads.prepare(1);
        try (NDManager manager = NDManager.newBaseManager();
                RewardModel model = source.create(manager, 0)) {
            Path written = source.write(model, out, dtype);
            System.err.printf("aha export: %s (reward model %s, %,d parameters, %s) -> %s%n", dir,
                    source.architecture(), model.layout().totalElements(), dtype, written.toAbsolutePath());
            return written;
        }
    }
}
