package dev.aha.runtime.rm;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.tokenizer.Tokenizer;
import dev.aha.runtime.tokenizer.TokenizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A reward model hosted for one reward node: loaded once, on a thread of its own (blocking DJL compute never runs
 * on an actor's dispatcher), each request's completions scored as one batch on that thread. The model part of a
 * completion's reward is {@code weight * normalize(score(prompt + part))}, where part is the whole completion or
 * its answer ({@link RewardModelSettings.Scope}), tokenized as {@code aha rm train} tokenizes a string pair's side.
 *
 * <p>Texts longer than the context keep their last {@code context-length} tokens (the score is read at the end);
 * {@link #start} refuses a policy whose sequences could be longer, so this rule only meets a reward model whose
 * tokenizer splits text into more tokens than the policy's. A score that is not finite is returned as it is: the
 * caller drops the group.
 */
public final class ModelReward implements LearnedReward {

    private static final String THINK_END = "</think>";

    private final RewardModelSettings settings;
    private final ExecutorService thread;
    private final int context;
    private NDManager manager;
    private RewardModel model;
    private Tokenizer tokenizer;

    private ModelReward(RewardModelSettings settings, ExecutorService thread, int context) {
        this.settings = settings;
        this.thread = thread;
        this.context = context;
    }

    /**
     * Loads the model on its thread and checks it can score this run's texts; refusals are one line.
     *
     * @param policyContext most tokens of a prompt and its completion (aha.policy.context-length)
     * @param device where the model computes (the reward node's)
     */
    public static ModelReward start(RewardModelSettings settings, int policyContext, Device device) {
        RewardModelSource source = check(settings, policyContext);
        int context = Math.min(settings.contextLength(), source.contextLength());
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "aha-reward-model");
            t.setDaemon(true);
            return t;
        });
        ModelReward reward = new ModelReward(settings, thread, context);
        try {
            thread.submit(() -> {
                ComputeThreads.prepare(1);
                reward.tokenizer = TokenizerSpec.of(source.tokenizer()).open();
                reward.manager = NDManager.newBaseManager(device);
                reward.model = source.create(reward.manager, 0);
                return null;
            }).get();
        } catch (ExecutionException e) {
            reward.close();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            reward.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the reward model", e);
        }
        return reward;
    }

    /**
     * The refusals of {@link #start} without reading a weight (the run's settings check calls it at start-up): no
     * model, a model without a score head or with num_labels other than 1, no tokenizer named, a context shorter than
     * the policy's sequences.
     *
     * @return the model's source
     */
    public static RewardModelSource check(RewardModelSettings settings, int policyContext) {
        if (!settings.hasModel()) {
            throw new IllegalArgumentException("no reward model configured (aha.reward.model.path)");
        }
        RewardModelSource source = RewardModelSources.openForScoring(Path.of(settings.path()),
                settings.contextLength());
        int context = Math.min(settings.contextLength(), source.contextLength());
        if (context < policyContext) {
            throw new IllegalArgumentException("aha.reward.model reads at most " + context + " tokens (its context "
                    + source.contextLength() + ", aha.reward.model.context-length " + settings.contextLength()
                    + ") and the policy writes sequences of up to " + policyContext + " (aha.policy.context-length)");
        }
        if (source.tokenizer() == null) {
            throw new IllegalArgumentException(settings.path() + " does not say which tokenizer it reads with");
        }
        return source;
    }

    public RewardModelSettings settings() {
        return settings;
    }

    @Override
    public RewardRoute route() {
        return settings.route();
    }

    /** The model parts of {@code completions}' rewards, in order, computed on the model's thread. */
    @Override
    public CompletableFuture<Scores> score(String prompt, String[] completions) {
        return CompletableFuture.supplyAsync(() -> Scores.of(scoreNow(prompt, completions)), thread);
    }

    private double[] scoreNow(String prompt, String[] completions) {
        List<int[]> rows = new ArrayList<>(completions.length);
        for (String c : completions) {
            rows.add(ids(prompt + (settings.scope() == RewardModelSettings.Scope.ANSWER ? answer(c) : c)));
        }
        float[] scores = model.rewards(rows);
        double[] parts = new double[scores.length];
        for (int i = 0; i < parts.length; i++) {
            double s = scores[i];
            parts[i] = settings.weight() * (settings.normalize() == RewardModelSettings.Normalize.SIGMOID
                    ? 1 / (1 + Math.exp(-s)) : s);
        }
        return parts;
    }

    /** The text, its end token, and no more than the last {@code context} tokens of that. */
    private int[] ids(String text) {
        int[] ids = tokenizer.encode(text);
        int[] ended = Arrays.copyOf(ids, ids.length + 1);
        ended[ids.length] = tokenizer.endId();
        return ended.length <= context ? ended : Arrays.copyOfRange(ended, ended.length - context, ended.length);
    }

    /** R1 scores helpfulness on the summary after the reasoning: the text after the last {@code </think>}. */
    public static String answer(String completion) {
        int end = completion.lastIndexOf(THINK_END);
        return end < 0 ? completion : completion.substring(end + THINK_END.length());
    }

    @Override
    public void close() {
        thread.submit(() -> {
            if (model != null) {
                model.close();
            }
            if (manager != null) {
                manager.close();
            }
            if (tokenizer != null) {
                tokenizer.close();
            }
        });
        thread.shutdown();
    }
}
