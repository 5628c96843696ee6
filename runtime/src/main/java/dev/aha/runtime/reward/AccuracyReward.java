package dev.aha.runtime.reward;

import java.util.Optional;

/**
 * 1 when the completion's final answer ({@link AnswerExtractor}) equals the reference after normalisation
 * ({@link AnswerNormalizer}), else 0. A completion with no recognisable answer scores 0; nothing here throws on
 * malformed text.
 */
public final class AccuracyReward implements RewardFunction {

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public RewardRange range() {
        return RewardRange.UNIT;
    }

    @Override
    public double score(RewardInput input) {
        Optional<String> answer = AnswerExtractor.extract(input.completion());
        if (answer.isEmpty()) {
            return 0;
        }
        return AnswerNormalizer.equivalent(answer.get(), input.referenceAnswer()) ? 1 : 0;
    }
}
