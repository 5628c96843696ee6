package dev.aha.runtime.rm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a reward model on preference pairs with {@link BradleyTerryLoss} and AdamW. Each step scores the batch's
 * chosen and rejected sequences in one forward (as TRL concatenates them), right-padded, each read where
 * transformers reads it.
 */
public final class RewardModelTrainer implements AutoCloseable {

    /** A step's loss and the share of its pairs whose chosen reward was the higher. */
    public record Step(float loss, float accuracy, float gradientNorm) {}

    /** Pair accuracy (chosen scored strictly above rejected, as TRL counts it) and mean loss over some pairs. */
    public record Evaluation(int pairs, float accuracy, float loss) {}

    private final RewardModel model;
    private final AdamW optimizer;
    private final BradleyTerryLoss loss;

    public RewardModelTrainer(RewardModel model, AdamWSettings settings, BradleyTerryLoss loss) {
        model.requireOneLabel("the reward model");
        this.model = model;
        this.loss = loss;
        model.setTrainable(true);
        this.optimizer = new AdamW(model.trainableParameters(), settings, model.manager());
    }

    /** One optimiser step on {@code batch}. */
    public Step step(List<PreferencePair> batch) {
        try (NDManager scope = model.manager().newSubManager()) {
            float value;
            float accuracy;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray[] rewards = rewards(scope, batch);
                NDArray l = loss.loss(rewards[0], rewards[1], margins(scope, batch));
                collector.backward(l);
                value = l.getFloat();
                accuracy = rewards[0].gt(rewards[1]).toType(DataType.FLOAT32, false).mean()
                        .getFloat();
            }
            float norm = optimizer.step();
            return new Step(value, accuracy, norm);
        }
    }

    /** Pair accuracy and loss over {@code pairs}, without gradients, {@code batchSize} pairs a forward. */
    public Evaluation evaluate(List<PreferencePair> pairs, int batchSize) {
        ComputeThreads.stopRecording();
        int right = 0;
        double sum = 0;
        for (int from = 0; from < pairs.size(); from += batchSize) {
            List<PreferencePair> batch = pairs.subList(from, Math.min(pairs.size(), from + batchSize));
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray[] rewards = rewards(scope, batch);
                sum += loss.loss(rewards[0], rewards[1], margins(scope, batch)).getFloat() * batch.size();
                float[] chosen = rewards[0].toFloatArray();
                float[] rejected = rewards[1].toFloatArray();
                for (int i = 0; i < chosen.length; i++) {
                    right += chosen[i] > rejected[i] ? 1 : 0;
                }
            }
        }
        return new Evaluation(pairs.size(), pairs.isEmpty() ? 0 : (float) right / pairs.size(),
                pairs.isEmpty() ? 0 : (float) (sum / pairs.size()));
    }

    /** Rewards of the chosen (B,) and the rejected (B,) sequences, from one forward over all 2B. */
    private NDArray[] rewards(NDManager scope, List<PreferencePair> batch) {
        List<int[]> rows = new ArrayList<>(batch.size() * 2);
        batch.forEach(p -> rows.add(p.chosen()));
        batch.forEach(p -> rows.add(p.rejected()));
        int[] last = new int[rows.size()];
        for (int i = 0; i < last.length; i++) {
            last[i] = RewardModel.lastTokenIndex(rows.get(i), model.padTokenId());
        }
        Integer pad = model.padTokenId();
        NDArray scores = model.scores(model.padded(scope, rows, pad == null ? 0 : pad), last).reshape(-1);
        int b = batch.size();
        return new NDArray[] {scores.get(new NDIndex("0:{}", b)), scores.get(new NDIndex("{}:", b))};
    }

    private static NDArray margins(NDManager scope, List<PreferencePair> batch) {
        float[] m = new float[batch.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = batch.get(i).margin();
        }
        return scope.create(m);
    }

    /** Ends training: the optimiser's state is freed and the weights stop recording gradients. */
    @Override
    public void close() {
        optimizer.close();
        model.setTrainable(false);
    }
}
