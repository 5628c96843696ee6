package dev.aha.runtime.reward;

import java.util.Optional;

/**
 * The accuracy reward of DeepSeek-R1: 1.0 when the completion's final answer ({@link AnswerExtractor}) equals the
 * reference answer after normalisation ({@link AnswerNormalizer}: numbers by exact value, text case- and
 * whitespace-insensitively), else 0.0. A completion without a recognisable answer, or a task without a reference,
 * scores 0.0 — the reward never throws on model output, since malformed output is exactly what it must punish.
 */
public final class AccuracyReward implements RewardFunction {
    public static final String NAME = "accuracy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RewardRange range() {
        return RewardRange.UNIT;
    }

    @Override
    public double score(RewardInput input) {
        Optional<String> answer = AnswerExtractor.extract(input.completion());
        return answer.isPresent() && AnswerNormalizer.equivalent(answer.get(), input.referenceAnswer()) ? 1.0 : 0.0;
    }
}
