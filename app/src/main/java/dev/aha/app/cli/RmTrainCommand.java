package dev.aha.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.bench.ConfigOptions;
import dev.aha.runtime.rm.RewardModelTrainSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha rm train}: a reward model trained on preference pairs (TRL's format) with the Bradley-Terry loss, from a
 * reward model, a causal Hugging Face model or a GPT checkpoint (a fresh score head on their decoder). A held-out
 * split's pair accuracy is printed as training goes and written to {@code rm-train.json} beside the model. The
 * training settings default to {@code aha.rm} ({@code --config} and {@code --set} change them); the flags override.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a reward model on preference pairs (Bradley-Terry loss).",
            "The loss: -log sigmoid(r_chosen - r_rejected - margin), plus TRL's optional reward-centering term.",
            "--model: a *ForSequenceClassification or causal Hugging Face directory, a GPT reward model, or a GPT "
                    + "checkpoint (aha sft's); --data: JSON Lines of prompt/chosen/rejected (strings or message "
                    + "lists), optional margin.",
            "Defaults: aha.rm in reference.conf (--config FILE and --set override them, options override all)."})
public final class RmTrainCommand implements Callable<Integer> {

    static final String FIGURES = RewardModelRun.FIGURES;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Where to start.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Preference pairs (JSON Lines).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The trained reward model: a new "
            + "directory (a Hugging Face *ForSequenceClassification, or a GPT reward model).")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "DIR|char", description = "Default: the one the model names.")
    String tokenizer;

    @Option(names = "--steps", paramLabel = "N", description = "Optimiser steps (default: one epoch).")
    Integer steps;

    @Option(names = "--batch-size", paramLabel = "N", description = "Pairs a step (default: aha.rm.batch-size, 16).")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "X",
            description = "AdamW learning rate (default: aha.rm.learning-rate, 5e-5, transformers' default).")
    Double learningRate;

    @Option(names = "--center-rewards", paramLabel = "X", description = "TRL's center_rewards_coefficient: adds "
            + "X * mean((r_chosen + r_rejected)^2) (default: aha.rm.center-rewards, 0 = off).")
    Double centering;

    @Option(names = "--held-out", paramLabel = "FRACTION", description = "Share of the pairs kept out of training to "
            + "measure pair accuracy (default: aha.rm.held-out, 0.1).")
    Double heldOut;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "Steps between held-out measurements (default: aha.rm.eval-every, 50).")
    Integer evalEvery;

    @Option(names = "--max-seconds", paramLabel = "S", description = "Stop after this much training time.")
    Long maxSeconds;

    @Option(names = "--context", paramLabel = "N",
            description = "Caps a Hugging Face model's context (default: aha.rm.context-length, 2048).")
    Integer context;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seeds the split, the order and a fresh head (default: aha.rm.seed, 1).")
    Long seed;

    @Option(names = "--device", paramLabel = "cpu|gpu|gpu:N", description = "Where it trains (default: the engine's).")
    String device;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() throws IOException {
        new RewardModelRun(model, data, out, tokenizer, steps, maxSeconds, device, settings()).run(System.err);
        return 0;
    }

    /** aha.rm with the flags given over it. */
    RewardModelTrainSettings settings() {
        Map<String, Object> flags = new HashMap<>();
        put(flags, "batch-size", batchSize);
        put(flags, "learning-rate", learningRate);
        put(flags, "center-rewards", centering);
        put(flags, "held-out", heldOut);
        put(flags, "eval-every", evalEvery);
        put(flags, "context-length", context);
        put(flags, "seed", seed);
        Config rm = ConfigFactory.parseMap(flags).withFallback(config.load().getConfig("aha.rm"));
        return RewardModelTrainSettings.fromConfig(rm);
    }

    private static void put(Map<String, Object> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
