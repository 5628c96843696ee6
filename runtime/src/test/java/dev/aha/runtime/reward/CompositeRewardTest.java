package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeRewardTest {

    private static final RewardInput GOOD = new RewardInput("", "<think>2+2=4</think> <answer>4</answer>", "4");
    private static final RewardInput WRONG_BUT_FORMATTED =
            new RewardInput("", "<think>2+2=5</think> <answer>5</answer>", "4");

    @Test
    void shouldWeightEachPartAndKeepTheirOrder() {
        CompositeReward r = new CompositeReward(List.of(
                new WeightedReward(new AccuracyReward(), 1.0), new WeightedReward(new FormatReward(), 0.2)));
        RewardBreakdown good = r.evaluate(GOOD);
        assertEquals(List.of("accuracy", "format"), List.copyOf(good.components().keySet()));
        assertEquals(1.2, good.total(), 1e-12);
        assertEquals(0.2, r.score(WRONG_BUT_FORMATTED), 1e-12);
        assertEquals(new RewardRange(0, 1.2), r.range());
        assertEquals(1.0, good.component("accuracy"));
        assertThrows(IllegalArgumentException.class, () -> good.component("language"));
    }

    @Test
    void shouldRejectBadCompositions() {
        assertThrows(IllegalArgumentException.class, () -> new CompositeReward(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new WeightedReward(new FormatReward(), -1));
        assertThrows(IllegalArgumentException.class, () -> new WeightedReward(new FormatReward(), Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> new WeightedReward(new FormatReward(), Double.POSITIVE_INFINITY));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> new CompositeReward(List.of(
                new WeightedReward(new FormatReward(), 1), new WeightedReward(new FormatReward(), 2))));
        assertEquals("reward 'format' appears twice", twice.getMessage());
    }

    @Test
    void shouldLetAThrowingPartPropagateForTheCallerToCount() {
        RewardFunction broken = new RewardFunction() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public RewardRange range() {
                return RewardRange.UNIT;
            }

            @Override
            public double score(RewardInput input) {
                throw new IllegalStateException("boom");
            }
        };
        CompositeReward r = new CompositeReward(List.of(new WeightedReward(broken, 1)));
        assertThrows(IllegalStateException.class, () -> r.score(GOOD));
    }
}
