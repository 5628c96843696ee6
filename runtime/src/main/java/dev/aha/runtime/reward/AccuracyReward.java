package dev.aha.runtime.reward;

import java.util.Objects;
import java.util.Optional;

/**
 * The accuracy reward of DeepSeek-R1: 1.0 when the completion's final answer equals the reference answer, else 0.0.
 *
 * <p>Where the answer is looked for is the {@link ExtractMode}: {@code strict} (the default, R1's format discipline:
 * {@link AnswerExtractor}) or {@code flexible} ({@link FlexibleAnswerExtractor}, as evaluation harnesses read real
 * models). What counts as equal is the same in both modes, {@link MathEquivalence} (numbers by exact value, fractions
 * however typeset, the percent rule, tuples, intervals and sets, text case- and whitespace-insensitively): strictness
 * is about marking the answer, and a right answer written another way is still right. A completion without a
 * recognisable answer, or a task without a reference, scores 0.0 — the reward never throws on model output, since
 * malformed output is exactly what it must punish.
 */
public final class AccuracyReward implements RewardFunction {
    public static final String NAME = "accuracy";

    private final ExtractMode extract;

    /** The strict reward, as R1 trains with it. */
    public AccuracyReward() {
        this(ExtractMode.STRICT);
    }

    public AccuracyReward(ExtractMode extract) {
        this.extract = Objects.requireNonNull(extract, "extract");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RewardRange range() {
        return RewardRange.UNIT;
    }

    public ExtractMode extract() {
        return extract;
    }

    @Override
    public double score(RewardInput input) {
        Optional<String> answer = extract.extract(input.completion());
        return answer.isPresent() && MathEquivalence.equivalent(answer.get(), input.referenceAnswer()) ? 1.0 : 0.0;
    }
}
