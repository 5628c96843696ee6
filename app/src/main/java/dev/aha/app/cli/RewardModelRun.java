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
import dev.aha.runtime.rm.RewardModelTrainSettings;
import dev.aha.runtime.rm.RewardModelTrainer;
import dev.aha.runtime.rm.RewardModelTraining;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One reward model's training, as {@code aha rm train} and a recipe's rm-train stage run it: the pairs read and
 * split, the model trained with the held-out pair accuracy reported as it goes, then written to {@code out} with its
 * figures in {@code out/rm-train.json}.
 *
 * @param model where to start: a reward model, a causal Hugging Face model or a GPT checkpoint
 * @param tokenizer null: the one the model names
 * @param steps null: one epoch
 * @param maxSeconds null: no time limit
 * @param device null: the engine's default
 */
public record RewardModelRun(Path model, Path data, Path out, String tokenizer, Integer steps, Long maxSeconds,
        String device, RewardModelTrainSettings settings) {

    public static final String FIGURES = "rm-train.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Trains and writes the model; returns the figures written to rm-train.json. */
    public ObjectNode run(PrintStream log) throws IOException {
        ComputeThreads.prepare(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try (RewardModelTokens tokens = RewardModelTokens.open(model, tokenizer, settings.contextLength())) {
            RewardModelSource source = RewardModelSources.open(model, settings.contextLength(),
                    tokens.tokenizer().padId());
            if (source.numLabels() != 1) {
                throw new IllegalArgumentException(model + " has num_labels = " + source.numLabels() + ": a reward "
                        + "is one score per sequence (num_labels = 1)");
            }
            List<PreferencePair> pairs = PreferenceData.read(data, tokens.text(), source.contextLength());
            List<List<PreferencePair>> split = RewardModelTraining.split(pairs, settings.heldOut(), settings.seed());
            int batch = settings.batchSize();
            int n = steps != null ? steps : Math.max(1, (split.get(0).size() + batch - 1) / batch);
            RewardModelTraining.Settings training = new RewardModelTraining.Settings(n, batch,
                    settings.learningRate(), settings.centerRewards(), settings.evalEvery(), settings.seed(),
                    maxSeconds == null ? null : Duration.ofSeconds(maxSeconds));
            log.printf("aha rm train: %s (%s%s), %,d pairs for training, %,d held out; %,d steps of %d%n",
                    model, source.architecture(), source.hasScoreHead() ? "" : ", fresh score head",
                    split.get(0).size(), split.get(1).size(), n, batch);
            try (NDManager manager = device == null ? NDManager.newBaseManager()
                    : NDManager.newBaseManager(Device.fromName(device));
                    RewardModel rm = source.create(manager, settings.seed())) {
                RewardModelTraining.Result result = RewardModelTraining.run(rm, split.get(0), split.get(1), training,
                        p -> progress(log, p));
                source.write(rm, out, SafetensorsDType.F32);
                ObjectNode figures = figures(source, result, split.get(0).size());
                Files.writeString(out.resolve(FIGURES), JSON.writeValueAsString(figures) + "\n");
                RewardModelTrainer.Evaluation e = result.heldOut();
                log.printf("aha rm train: %,d steps in %.1f s, train loss %.4f; held-out pair accuracy %.3f "
                        + "(%,d pairs, loss %.4f) -> %s%n", result.steps(), result.seconds(), result.trainLoss(),
                        e.accuracy(), e.pairs(), e.loss(), out);
                return figures;
            }
        }
    }

    private static void progress(PrintStream log, RewardModelTraining.Progress p) {
        if (p.last() == null) {
            log.printf("step 0: held-out pair accuracy %.3f (loss %.4f)%n", p.heldOut().accuracy(),
                    p.heldOut().loss());
        } else if (p.heldOut() != null) {
            log.printf("step %,d: loss %.4f, held-out pair accuracy %.3f (loss %.4f)%n", p.step(), p.last().loss(),
                    p.heldOut().accuracy(), p.heldOut().loss());
        }
    }

    private ObjectNode figures(RewardModelSource source, RewardModelTraining.Result result, int trainPairs) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", model.toString()).put("architecture", source.architecture()).put("data", data.toString());
        o.put("train_pairs", trainPairs).put("held_out_pairs", result.heldOut().pairs());
        o.put("held_out_accuracy", result.heldOut().accuracy()).put("held_out_loss", result.heldOut().loss());
        o.put("held_out_accuracy_before", result.before().accuracy());
        o.put("steps", result.steps()).put("batch_size", settings.batchSize())
                .put("learning_rate", settings.learningRate());
        o.put("center_rewards_coefficient", settings.centerRewards()).put("train_loss", result.trainLoss());
        o.put("seconds", result.seconds()).put("seed", settings.seed());
        return o;
    }
}
