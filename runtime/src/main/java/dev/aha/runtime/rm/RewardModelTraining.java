package dev.aha.runtime.rm;

import dev.aha.runtime.optim.AdamWSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A reward model's training run: shuffled epochs of the training pairs in batches, Bradley-Terry loss and AdamW,
 * and the held-out pairs' accuracy measured every {@link Settings#evalEvery} steps and at the end.
 */
public final class RewardModelTraining {

    /**
     * @param steps optimiser steps (the run may stop sooner at {@code timeLimit})
     * @param batchSize pairs a step
     * @param learningRate AdamW's, with the project's other AdamW defaults
     * @param centering TRL's center_rewards_coefficient; 0 for none
     * @param evalEvery steps between held-out measurements
     * @param seed orders the epochs
     * @param timeLimit null for none
     */
    public record Settings(int steps, int batchSize, double learningRate, float centering, int evalEvery, long seed,
            Duration timeLimit) {
        public Settings {
            if (steps < 1 || batchSize < 1 || evalEvery < 1) {
                throw new IllegalArgumentException("steps, batch size and eval interval must be positive, were "
                        + steps + ", " + batchSize + ", " + evalEvery);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("the learning rate must be positive, was " + learningRate);
            }
        }
    }

    /**
     * After a step: its figures, and the held-out evaluation when one was taken (else null); step 0, before any
     * training, carries the starting model's evaluation and no step.
     */
    public record Progress(int step, RewardModelTrainer.Step last, RewardModelTrainer.Evaluation heldOut) {}

    /**
     * @param steps steps taken
     * @param trainLoss mean loss of the last tenth of the steps
     * @param before the held-out evaluation of the starting model
     * @param heldOut the final held-out evaluation
     * @param seconds wall time of the training, evaluations included
     */
    public record Result(int steps, float trainLoss, RewardModelTrainer.Evaluation before,
            RewardModelTrainer.Evaluation heldOut, double seconds) {}

    private RewardModelTraining() {}

    /** Splits off {@code fraction} of the pairs (at least one, leaving at least one), drawn with {@code seed}. */
    public static List<List<PreferencePair>> split(List<PreferencePair> pairs, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the held-out fraction must be in (0, 1), was " + fraction);
        }
        if (pairs.size() < 2) {
            throw new IllegalArgumentException("a held-out split needs at least 2 pairs, the data has " + pairs.size());
        }
        List<PreferencePair> shuffled = new ArrayList<>(pairs);
        Collections.shuffle(shuffled, new Random(seed));
        int held = Math.min(pairs.size() - 1, Math.max(1, (int) Math.round(pairs.size() * fraction)));
        return List.of(List.copyOf(shuffled.subList(held, shuffled.size())), List.copyOf(shuffled.subList(0, held)));
    }

    public static Result run(RewardModel model, List<PreferencePair> train, List<PreferencePair> heldOut,
            Settings settings, Consumer<Progress> progress) {
        long started = System.nanoTime();
        long deadline = settings.timeLimit() == null ? Long.MAX_VALUE : started + settings.timeLimit().toNanos();
        Random rng = new Random(settings.seed());
        List<PreferencePair> order = new ArrayList<>(train);
        int cursor = order.size();
        float[] losses = new float[settings.steps()];
        int s = 0;
        RewardModelTrainer.Evaluation before;
        RewardModelTrainer.Evaluation evaluation;
        try (RewardModelTrainer trainer = new RewardModelTrainer(model,
                AdamWSettings.defaults(settings.learningRate()), new BradleyTerryLoss(settings.centering()))) {
            before = trainer.evaluate(heldOut, settings.batchSize());
            progress.accept(new Progress(0, null, before));
            while (s < settings.steps() && (s == 0 || System.nanoTime() < deadline)) {
                List<PreferencePair> batch = new ArrayList<>(settings.batchSize());
                while (batch.size() < settings.batchSize()) {
                    if (cursor == order.size()) {
                        Collections.shuffle(order, rng);
                        cursor = 0;
                    }
                    batch.add(order.get(cursor++));
                }
                RewardModelTrainer.Step step = trainer.step(batch);
                losses[s++] = step.loss();
                boolean evaluate = s % settings.evalEvery() == 0 && s < settings.steps();
                progress.accept(new Progress(s, step, evaluate ? trainer.evaluate(heldOut, settings.batchSize())
                        : null));
            }
            evaluation = trainer.evaluate(heldOut, settings.batchSize());
        }
        int tail = Math.max(1, s / 10);
        float sum = 0;
        for (int i = s - tail; i < s; i++) {
            sum += losses[i];
        }
        return new Result(s, sum / tail, before, evaluation, (System.nanoTime() - started) / 1e9);
    }
}
