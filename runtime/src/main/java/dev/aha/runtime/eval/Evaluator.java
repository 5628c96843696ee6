package dev.aha.runtime.eval;

import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.reward.AccuracyReward;
import dev.aha.runtime.reward.ExtractMode;
import dev.aha.runtime.reward.FormatReward;
import dev.aha.runtime.reward.RewardFunction;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.agent.Episodes;
import dev.aha.runtime.rollout.BatchSampler;
import dev.aha.runtime.rollout.TurnPartner;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.sandbox.CodeRunPool;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Scores a policy on held-out prompts: k samples per prompt at the sampling temperature (pass@1 averaged over k,
 * the unbiased pass@j for every j &lt;= k, cons@k by majority vote over normalised answers) and one greedy decode,
 * unless {@link #withoutGreedy}. Uses the same reward code as training, reading answers as the run's
 * {@code aha.reward.extract} says ({@link ExtractMode}):
 * pass@1, greedy accuracy and cons@k all find a completion's final answer in that mode. A code task's evaluator
 * ({@link #scoringWith}) judges with its code reward instead, and has no cons@k (NaN): programs have no answer to vote.
 */
public final class Evaluator {

    private final Policy policy;
    private final Tokenizer tokenizer;
    private final PromptTemplate template;
    private final SamplingSettings sampling;
    private final int k;
    private final long seed;
    private final boolean greedyDecode;
    private final ExtractMode extract;
    private final RewardFunction accuracy;
    private final boolean answerVotes;
    private final CodeRunPool pool;
    private final FormatReward format = new FormatReward();
    /** Where an agent task's episodes open; null for single turns. */
    private final Episodes episodes;

    /** @param extract where a completion's final answer is found: the run's {@code aha.reward.extract} */
    public Evaluator(
            Policy policy, Tokenizer tokenizer, PromptTemplate template, SamplingSettings sampling, int k,
            long seed, ExtractMode extract) {
        this(policy, tokenizer, template, sampling, k, seed, extract, true, new AccuracyReward(extract), true, null,
                null);
    }

    private Evaluator(Policy policy, Tokenizer tokenizer, PromptTemplate template, SamplingSettings sampling, int k,
            long seed, ExtractMode extract, boolean greedyDecode, RewardFunction accuracy, boolean answerVotes,
            CodeRunPool pool, Episodes episodes) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.template = template;
        this.sampling = sampling;
        this.k = k;
        this.seed = seed;
        this.extract = Objects.requireNonNull(extract, "extract");
        this.accuracy = Objects.requireNonNull(accuracy, "accuracy");
        this.answerVotes = answerVotes;
        this.pool = pool;
        this.greedyDecode = greedyDecode;
        this.episodes = episodes;
    }

    /**
     * The same judging correctness with {@code codeAccuracy} (a code task's reward, 1.0 = right), without cons@k.
     *
     * @param pool where a prompt's k samples are judged side by side (each is a sandboxed child process), or null to
     *     judge them one after another
     */
    public Evaluator scoringWith(RewardFunction codeAccuracy, CodeRunPool pool) {
        return new Evaluator(policy, tokenizer, template, sampling, k, seed, extract, greedyDecode, codeAccuracy, false,
                pool, episodes);
    }

    /**
     * The same without the greedy decode, which costs as much as sampling all k (the k rows decode as one batch):
     * half the time, for evaluations taken while training. Its greedy accuracy is NaN.
     */
    public Evaluator withoutGreedy() {
        return new Evaluator(policy, tokenizer, template, sampling, k, seed, extract, false, accuracy, answerVotes,
                pool, episodes);
    }

    /**
     * This evaluator sampling multi-turn episodes opened by {@code episodes} (an agent task), judged on the policy's
     * own tokens; null leaves it single-turn.
     */
    public Evaluator inEpisodes(Episodes episodes) {
        return new Evaluator(policy, tokenizer, template, sampling, k, seed, extract, greedyDecode, accuracy,
                answerVotes, pool, episodes);
    }

    /** Where this evaluator finds a completion's final answer. */
    public ExtractMode extract() {
        return extract;
    }

    /** The accuracy of each input, on the pool when there is one. */
    private double[] judge(List<RewardInput> inputs) {
        if (pool == null) {
            return inputs.stream().mapToDouble(accuracy::score).toArray();
        }
        List<CompletableFuture<Double>> runs = inputs.stream()
                .map(input -> pool.submit(() -> accuracy.score(input))).toList();
        return runs.stream().mapToDouble(CompletableFuture::join).toArray();
    }

    /** @param progress told the number of prompts done after each one (for a progress bar); may be null */
    public EvalResult evaluate(List<TaskPrompt> prompts, IntConsumer progress) {
        return evaluate(prompts, progress, null);
    }

    /**
     * The same, telling each prompt's count of correct samples.
     *
     * @param correctPerPrompt null, or as long as {@code prompts}: entry p gets how many of prompt p's k samples
     *     were right
     */
    public EvalResult evaluate(List<TaskPrompt> prompts, IntConsumer progress, int[] correctPerPrompt) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to evaluate");
        }
        List<String> texts = new ArrayList<>(prompts.size());
        List<int[]> ids = new ArrayList<>(prompts.size());
        for (TaskPrompt prompt : prompts) {
            String text = template.render(prompt.question());
            texts.add(text);
            ids.add(tokenizer.encode(text));
        }
        // Every prompt's k samples decode together, then every greedy decode: batched forwards, not a group at a time.
        List<List<Completion>> sampledGroups = new BatchSampler(policy, sampling, tokenizer.vocabSize(),
                tokenizer.endIds(), BatchSampler.DEFAULT_SLOTS).sample(ids, k, seed, progress, open(prompts, texts, k));
        List<List<Completion>> greedyGroups = greedyDecode
                ? new BatchSampler(policy, new SamplingSettings(0f, 1f, sampling.maxNewTokens()),
                        tokenizer.vocabSize(), tokenizer.endIds(), BatchSampler.DEFAULT_SLOTS)
                        .sample(ids, 1, seed, null, open(prompts, texts, 1))
                : null;
        double pass1 = 0;
        double[] passAtK = new double[k];
        int greedyCorrect = 0;
        int consCorrect = 0;
        int formatted = 0;
        long tokens = 0;
        long toolCalls = 0;
        for (int p = 0; p < prompts.size(); p++) {
            TaskPrompt prompt = prompts.get(p);
            String text = texts.get(p);
            List<Completion> samples = sampledGroups.get(p);
            int correct = 0;
            MajorityVote votes = new MajorityVote(extract);
            List<RewardInput> inputs = new ArrayList<>(samples.size());
            for (Completion c : samples) {
                inputs.add(new RewardInput(text, tokenizer.decode(c.policyOnlyTokens()), prompt.referenceAnswer()));
                tokens += c.length();
                toolCalls += c.episode() == null ? 0 : c.episode().toolCalls();
            }
            double[] scores = judge(inputs);
            for (int i = 0; i < inputs.size(); i++) {
                if (scores[i] == 1.0) {
                    correct++;
                }
                if (format.score(inputs.get(i)) == 1.0) {
                    formatted++;
                }
                votes.add(inputs.get(i).completion());
            }
            pass1 += (double) correct / k;
            if (correctPerPrompt != null) {
                correctPerPrompt[p] = correct;
            }
            double[] prompted = PassAtK.every(k, correct);
            for (int j = 0; j < k; j++) {
                passAtK[j] += prompted[j] / prompts.size();
            }
            if (votes.majorityIs(prompt.referenceAnswer())) {
                consCorrect++;
            }
            if (greedyDecode) {
                Completion best = greedyGroups.get(p).get(0);
                String answer = tokenizer.decode(best.policyOnlyTokens());
                if (accuracy.score(new RewardInput(text, answer, prompt.referenceAnswer())) == 1.0) {
                    greedyCorrect++;
                }
            }
        }
        int n = prompts.size();
        return new EvalResult(n, k, pass1 / n, greedyDecode ? (double) greedyCorrect / n : Double.NaN,
                answerVotes ? (double) consCorrect / n : Double.NaN,
                (double) formatted / (n * (long) k), (double) tokens / (n * (long) k),
                episodes == null ? Double.NaN : (double) toolCalls / (n * (long) k), passAtK);
    }

    private IntFunction<List<? extends TurnPartner>> open(List<TaskPrompt> prompts, List<String> texts, int group) {
        return episodes == null ? null : p -> episodes.open(prompts.get(p).id(), texts.get(p),
                prompts.get(p).referenceAnswer(), group);
    }

}
