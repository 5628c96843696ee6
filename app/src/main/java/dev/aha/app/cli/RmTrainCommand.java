package dev.aha.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.rm.PreferenceData;
import dev.aha.runtime.rm.PreferencePair;
import dev.aha.runtime.rm.RewardModel;
import dev.aha.runtime.rm.RewardModelSource;
import dev.aha.runtime.rm.RewardModelSources;
import dev.aha.runtime.rm.RewardModelTrainer;
import dev.aha.runtime.rm.RewardModelTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code aha rm train}: a reward model trained on preference pairs (TRL's format) with the Bradley-Terry loss, from a
 * reward model, a causal Hugging Face model or a GPT checkpoint (a fresh score head on their decoder). A held-out
 * split's pair accuracy is printed as training goes and written to {@code rm-train.json} beside the model.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a reward model on preference pairs (Bradley-Terry loss).",
            "The loss: -log sigmoid(r_chosen - r_rejected - margin), plus TRL's optional reward-centering term.",
            "--model: a *ForSequenceClassification or causal Hugging Face directory, a GPT reward model, or a GPT "
                    + "checkpoint (aha sft's); --data: JSON Lines of prompt/chosen/rejected (strings or message "
                    + "lists), optional margin."})
public final class RmTrainCommand implements Callable<Integer> {

    static final String FIGURES = "rm-train.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N",
            description = "Pairs a step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "5e-5", paramLabel = "X",
            description = "AdamW learning rate (default: ${DEFAULT-VALUE}, transformers' default).")
    double learningRate;

    @Option(names = "--center-rewards", defaultValue = "0", paramLabel = "X",
            description = "TRL's center_rewards_coefficient: adds X * mean((r_chosen + r_rejected)^2) (default: off).")
    float centering;

    @Option(names = "--held-out", defaultValue = "0.1", paramLabel = "FRACTION",
            description = "Share of the pairs kept out of training to measure pair accuracy (default: ${DEFAULT-VALUE}).")
    double heldOut;

    @Option(names = "--eval-every", defaultValue = "50", paramLabel = "N",
            description = "Steps between held-out measurements (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--max-seconds", paramLabel = "S", description = "Stop after this much training time.")
    Long maxSeconds;

    @Option(names = "--context", defaultValue = "2048", paramLabel = "N",
            description = "Caps a Hugging Face model's context (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Seeds the split, the order and a fresh head (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", paramLabel = "cpu|gpu|gpu:N", description = "Where it trains (default: the engine's).")
    String device;

    @Override
    public Integer call() throws IOException {
        ComputeThreads.prepare(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try (RewardModelTokens tokens = RewardModelTokens.open(model, tokenizer, context)) {
            RewardModelSource source = RewardModelSources.open(model, context, tokens.tokenizer().padId());
            if (source.numLabels() != 1) {
                throw new IllegalArgumentException(model + " has num_labels = " + source.numLabels() + ": a reward "
                        + "is one score per sequence (num_labels = 1)");
            }
            List<PreferencePair> pairs = PreferenceData.read(data, tokens.text(), source.contextLength());
            List<List<PreferencePair>> split = RewardModelTraining.split(pairs, heldOut, seed);
            int n = steps != null ? steps : Math.max(1, (split.get(0).size() + batchSize - 1) / batchSize);
            RewardModelTraining.Settings settings = new RewardModelTraining.Settings(n, batchSize, learningRate,
                    centering, evalEvery, seed, maxSeconds == null ? null : Duration.ofSeconds(maxSeconds));
            System.err.printf("aha rm train: %s (%s%s), %,d pairs for training, %,d held out; %,d steps of %d%n",
                    model, source.architecture(), source.hasScoreHead() ? "" : ", fresh score head",
                    split.get(0).size(), split.get(1).size(), n, batchSize);
            try (NDManager manager = device == null ? NDManager.newBaseManager()
                    : NDManager.newBaseManager(Device.fromName(device));
                    RewardModel rm = source.create(manager, seed)) {
                RewardModelTraining.Result result = RewardModelTraining.run(rm, split.get(0), split.get(1), settings,
                        p -> {
                            if (p.last() == null) {
                                System.err.printf("step 0: held-out pair accuracy %.3f (loss %.4f)%n",
                                        p.heldOut().accuracy(), p.heldOut().loss());
                            } else if (p.heldOut() != null) {
                                System.err.printf("step %,d: loss %.4f, held-out pair accuracy %.3f (loss %.4f)%n",
                                        p.step(), p.last().loss(), p.heldOut().accuracy(), p.heldOut().loss());
                            }
                        });
                source.write(rm, out, SafetensorsDType.F32);
                Files.writeString(out.resolve(FIGURES), JSON.writeValueAsString(figures(source, result,
                        split.get(0).size())) + "\n");
                RewardModelTrainer.Evaluation e = result.heldOut();
                System.err.printf("aha rm train: %,d steps in %.1f s, train loss %.4f; held-out pair accuracy %.3f "
                        + "(%,d pairs, loss %.4f) -> %s%n", result.steps(), result.seconds(), result.trainLoss(),
                        e.accuracy(), e.pairs(), e.loss(), out);
            }
        }
        return 0;
    }

    private ObjectNode figures(RewardModelSource source, RewardModelTraining.Result result, int trainPairs) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", model.toString()).put("architecture", source.architecture()).put("data", data.toString());
        o.put("train_pairs", trainPairs).put("held_out_pairs", result.heldOut().pairs());
        o.put("held_out_accuracy", result.heldOut().accuracy()).put("held_out_loss", result.heldOut().loss());
        o.put("held_out_accuracy_before", result.before().accuracy());
        o.put("steps", result.steps()).put("batch_size", batchSize).put("learning_rate", learningRate);
        o.put("center_rewards_coefficient", centering).put("train_loss", result.trainLoss());
        o.put("seconds", result.seconds()).put("seed", seed);
        return o;
    }
}
