package dev.aha.runtime.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.aha.runtime.policy.KvCache;
import dev.aha.runtime.policy.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Samples a group of G completions of one prompt in one batch: the prompt is run once (prefill), then each step
 * feeds the G newly drawn tokens through {@link Policy#step} against the KV cache. Completions that drew
 * the end token ride along until the whole group is done (their extra tokens are discarded), which keeps the batch
 * rectangular.
 *
 * <p>Call from a compute thread prepared with {@link dev.aha.runtime.engine.ComputeThreads#prepare}: sampling must not record autograd.
 */
public final class Sampler {

    private final Policy policy;
    private final SamplingSettings settings;
    private final int[] endIds;
    private final int vocabularyLimit;
    private final TokenSampler tokenSampler;

    /** A sampler over every row of the policy's output layer. */
    public Sampler(Policy policy, SamplingSettings settings, int... endIds) {
        this(policy, settings, policy.vocabSize(), endIds);
    }

    /**
     * @param vocabularyLimit ids at or past this are never drawn: a model's output layer may be wider than its
     *     tokenizer (Qwen pads 151,669 ids to 151,936 rows), and an id the tokenizer cannot decode is no completion
     * @param endIds the tokens that end a completion (a chat model may have several); at least one
     */
    public Sampler(Policy policy, SamplingSettings settings, int vocabularyLimit, int[] endIds) {
        if (endIds.length == 0) {
            throw new IllegalArgumentException("a sampler needs at least one end token");
        }
        if (vocabularyLimit < 1 || vocabularyLimit > policy.vocabSize()) {
            throw new IllegalArgumentException("vocabularyLimit " + vocabularyLimit + " outside [1, "
                    + policy.vocabSize() + "]");
        }
        this.policy = policy;
        this.settings = settings;
        this.vocabularyLimit = vocabularyLimit;
        this.endIds = endIds.clone();
        this.tokenSampler = new TokenSampler(settings);
    }

    public SamplingSettings settings() {
        return settings;
    }

    /**
     * @param prompt token ids of the templated prompt
     * @param groupSize G, completions to draw
     * @param rng the rollout's own seeded RNG
     */
    public List<Completion> sampleGroup(int[] prompt, int groupSize, Random rng) {
        return sampleGroup(prompt, groupSize, rng, null);
    }

    /**
     * The same, telling {@code firstTokens} each token of the first completion as it is drawn (its end token
     * included): what a server streams.
     *
     * @param firstTokens may be null
     */
    public List<Completion> sampleGroup(int[] prompt, int groupSize, Random rng, IntConsumer firstTokens) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt is empty");
        }
        if (groupSize <= 0) {
            throw new IllegalArgumentException("groupSize must be positive, was " + groupSize);
        }
        int room = policy.contextLength() - prompt.length;
        if (room <= 0) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens leaves no room in the context of "
                    + policy.contextLength());
        }
        int maxNew = Math.min(settings.maxNewTokens(), room);
        int[][] tokens = new int[groupSize][maxNew];
        float[][] logProbs = new float[groupSize][maxNew];
        int[] lengths = new int[groupSize];
        boolean[] finished = new boolean[groupSize];
        int[] drawn = new int[groupSize];

        try (NDManager session = policy.manager().newSubManager()) {
            NDArray promptArray = session.create(prompt, new Shape(1, prompt.length));
            KvCache cache = policy.prefill(promptArray, groupSize);
            NDArray logits = cache.lastLogits();
            for (int step = 0; step < maxNew; step++) {
                TokenSampler.Draw draw;
                try (NDManager drawScope = session.newSubManager()) {
                    logits.attach(drawScope); // these logits and the draw's temporaries go when it closes
                    draw = tokenSampler.sample(vocabularyLimit == policy.vocabSize() ? logits
                            : logits.get(new NDIndex(":, :{}", vocabularyLimit)), rng);
                }
                int active = 0;
                for (int g = 0; g < groupSize; g++) {
                    if (finished[g]) {
                        drawn[g] = endIds[0]; // a placeholder the batch needs; never recorded
                        continue;
                    }
                    int token = draw.tokens()[g];
                    drawn[g] = token;
                    tokens[g][step] = token;
                    logProbs[g][step] = draw.logProbs()[g];
                    lengths[g] = step + 1;
                    if (g == 0 && firstTokens != null) {
                        firstTokens.accept(token);
                    }
                    if (isEnd(token)) {
                        finished[g] = true;
                    } else {
                        active++;
                    }
                }
                if (active == 0 || step == maxNew - 1) {
                    break;
                }
                NDManager stepScope = session.newSubManager();
                NDArray next = stepScope.create(drawn, new Shape(groupSize, 1));
                logits = policy.step(cache, next);
                logits.attach(session);
                stepScope.close();
            }
        }
        List<Completion> group = new ArrayList<>(groupSize);
        for (int g = 0; g < groupSize; g++) {
            group.add(new Completion(
                    Arrays.copyOf(tokens[g], lengths[g]), Arrays.copyOf(logProbs[g], lengths[g]), finished[g]));
        }
        return group;
    }

    private boolean isEnd(int token) {
        for (int end : endIds) {
            if (token == end) {
                return true;
            }
        }
        return false;
    }
}
