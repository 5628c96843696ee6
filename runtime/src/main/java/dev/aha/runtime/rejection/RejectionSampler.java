package dev.aha.runtime.rejection;

import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.reward.AccuracyReward;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.FormatReward;
import dev.aha.runtime.reward.LanguageConsistencyReward;
import dev.aha.runtime.reward.RewardBreakdown;
import dev.aha.runtime.reward.RewardInput;
import dev.aha.runtime.reward.RewardSettings;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * The sampling half of R1's rejection sampling: k completions of one prompt from a policy, each scored with the
 * training rewards (the run's reward: {@link RewardSettings#compose()}, or a code task's, which runs its programs in the
 * sandbox) plus language consistency, as {@link SampleRecord}s.
 *
 * <p>Each prompt draws from its own RNG, seeded by the run's seed and the prompt's id ({@link #promptSeed}): a prompt's
 * samples do not depend on which prompts came before it, so a resumed run writes what an uninterrupted one would
 * have.
 *
 * <p>Call from a compute thread prepared with {@link dev.aha.runtime.engine.ComputeThreads#prepare}.
 */
public final class RejectionSampler {

    private final Tokenizer tokenizer;
    private final PromptTemplate template;
    private final Sampler sampler;
    private final Scorer scorer;
    private final int k;
    private final long seed;

    /**
     * @param minLanguage the language score at and above which a sample is flagged language_consistent
     * @param policyVersion written on every line
     */
    public RejectionSampler(Policy policy, Tokenizer tokenizer, PromptTemplate template, SamplingSettings sampling,
            RewardSettings rewards, double minLanguage, int k, long seed, long policyVersion) {
        this(policy, tokenizer, template, sampling, rewards, rewards.compose(), minLanguage, k, seed, policyVersion);
    }

    /** @param reward the run's reward (a code task's runs its programs in the sandbox) */
    public RejectionSampler(Policy policy, Tokenizer tokenizer, PromptTemplate template, SamplingSettings sampling,
            RewardSettings rewards, CompositeReward reward, double minLanguage, int k, long seed, long policyVersion) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        this.tokenizer = tokenizer;
        this.template = template;
        this.sampler = new Sampler(policy, sampling, tokenizer.vocabSize(), tokenizer.endIds());
        this.scorer = new Scorer(rewards, reward, minLanguage, k, policyVersion);
        this.k = k;
        this.seed = seed;
    }

    /** The k scored samples of {@code prompt}, in sample order. */
    public List<SampleRecord> sample(TaskPrompt prompt) {
        String text = template.render(prompt.question());
        List<Completion> completions = sampler.sampleGroup(tokenizer.encode(text), k,
                new Random(promptSeed(seed, prompt.id())));
        List<SampleRecord> group = new ArrayList<>(k);
        for (int i = 0; i < completions.size(); i++) {
            Completion c = completions.get(i);
            int tokens = c.finished() ? c.length() - 1 : c.length();
            group.add(scorer.score(prompt, text, i, tokenizer.decode(c.tokens()), tokens, !c.finished()));
        }
        return group;
    }

    /** The seed of one prompt's RNG: the run's seed mixed with a checksum of the prompt's id. */
    public static long promptSeed(long seed, String promptId) {
        CRC32C crc = new CRC32C();
        crc.update(promptId.getBytes(StandardCharsets.UTF_8));
        long z = seed * 0x9E3779B97F4A7C15L + crc.getValue();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L; // splitmix64's finaliser: nearby seeds, unrelated streams
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Scores one decoded completion into a line; no policy needed (unit-testable). */
    public static final class Scorer {
        private final CompositeReward reward;
        private final LanguageConsistencyReward language;
        private final double minLanguage;
        private final int k;
        private final long policyVersion;

        public Scorer(RewardSettings rewards, double minLanguage, int k, long policyVersion) {
            this(rewards, rewards.compose(), minLanguage, k, policyVersion);
        }

        /** @param reward the run's reward, built from {@code rewards} (a code task's runs its programs) */
        public Scorer(RewardSettings rewards, CompositeReward reward, double minLanguage, int k, long policyVersion) {
            this.reward = reward;
            this.language = new LanguageConsistencyReward(rewards.language());
            this.minLanguage = minLanguage;
            this.k = k;
            this.policyVersion = policyVersion;
        }

        /**
         * @param renderedPrompt the prompt text the model saw
         * @param tokens the completion's length in tokens, its end token not counted
         * @param truncated whether it hit the length limit
         */
        public SampleRecord score(TaskPrompt prompt, String renderedPrompt, int index, String completion, int tokens,
                boolean truncated) {
            RewardInput input = new RewardInput(renderedPrompt, completion, prompt.referenceAnswer());
            RewardBreakdown b = reward.evaluate(input);
            Map<String, Double> components = new LinkedHashMap<>(b.components());
            components.computeIfAbsent(LanguageConsistencyReward.NAME, name -> language.score(input));
            double lang = components.get(LanguageConsistencyReward.NAME);
            return new SampleRecord(prompt.id(), index, k, policyVersion,
                    components.getOrDefault(AccuracyReward.NAME, 0.0) == 1.0,
                    components.getOrDefault(FormatReward.NAME, 0.0) == 1.0,
                    lang >= minLanguage, b.total(), components, tokens, truncated, prompt.referenceAnswer(),
                    renderedPrompt, completion);
        }
    }
}
