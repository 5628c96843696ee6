package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CompositeRewardTest {
    private static final RewardInput CORRECT = new RewardInput("q", "<think>9 * 2</think><answer>18</answer>", "18");
    private static final RewardInput WRONG_BUT_FORMATTED = new RewardInput("q", "<think>9 * 2</think><answer>17</answer>", "18");
    private static final RewardInput RIGHT_BUT_UNFORMATTED = new RewardInput("q", "The answer is 18.", "18");

    /** A fixed score under a given name and range, to check the arithmetic in isolation. */
    private record Constant(String name, double value, RewardRange range) implements RewardFunction {
        Constant(String name, double value) {
            this(name, value, RewardRange.UNIT);
        }

        @Override
        public double score(RewardInput input) {
            return value;
        }
    }

    static Stream<Arguments> r1Rewards() {
        return Stream.of(
                Arguments.of(CORRECT, 1.0, 1.0, 1.5),
                Arguments.of(WRONG_BUT_FORMATTED, 0.0, 1.0, 0.5),
                Arguments.of(RIGHT_BUT_UNFORMATTED, 1.0, 0.0, 1.0),
                Arguments.of(new RewardInput("q", "", "18"), 0.0, 0.0, 0.0));
    }

    @ParameterizedTest
    @MethodSource("r1Rewards")
    void shouldWeighAccuracyAndFormat(RewardInput input, double accuracy, double format, double total) {
        CompositeReward reward = new CompositeReward(List.of(
                new WeightedReward(new AccuracyReward(), 1.0), new WeightedReward(new FormatReward(), 0.5)));

        RewardBreakdown breakdown = reward.evaluate(input);

        assertEquals(Map.of("accuracy", accuracy, "format", format), breakdown.components());
        assertEquals(total, breakdown.total(), 1e-12);
        assertEquals(total, reward.score(input), 1e-12);
    }

    @Test
    void shouldKeepComponentsInPartOrder() {
        List<String> names = List.of("zeta", "alpha", "mid", "beta", "omega");
        List<WeightedReward> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            parts.add(new WeightedReward(new Constant(names.get(i), i / 10.0), 1.0));
        }

        RewardBreakdown breakdown = new CompositeReward(parts).evaluate(CORRECT);

        assertEquals(names, List.copyOf(breakdown.components().keySet()));
        assertEquals(1.0, breakdown.total(), 1e-12);
    }

    @Test
    void shouldReportRawScoresAndWeightedTotal() {
        CompositeReward reward = new CompositeReward(List.of(
                new WeightedReward(new Constant("a", 0.5), 2.0),
                new WeightedReward(new Constant("b", 0.25), 4.0),
                new WeightedReward(new Constant("c", 1.0), 0.0)));

        RewardBreakdown breakdown = reward.evaluate(CORRECT);

        assertEquals(List.of(0.5, 0.25, 1.0), List.copyOf(breakdown.components().values()));
        assertEquals(2.0, breakdown.total(), 1e-12);
    }

    @Test
    void shouldDeriveRangeFromParts() {
        CompositeReward reward = new CompositeReward(List.of(
                new WeightedReward(new Constant("a", 0, new RewardRange(-1.0, 1.0)), 2.0),
                new WeightedReward(new Constant("b", 0), 0.5)));
        assertEquals(new RewardRange(-2.0, 2.5), reward.range());
        assertEquals("composite", reward.name());
    }

    @Test
    void shouldReturnUnmodifiableOrderedBreakdown() {
        Map<String, Double> source = new LinkedHashMap<>();
        source.put("b", 1.0);
        source.put("a", 0.0);
        RewardBreakdown breakdown = new RewardBreakdown(source, 1.0);
        source.put("c", 2.0);

        assertEquals(List.of("b", "a"), List.copyOf(breakdown.components().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> breakdown.components().put("d", 1.0));
    }

    @Test
    void shouldLetPartFailuresPropagate() {
        IllegalStateException failure = new IllegalStateException("sandbox died");
        CompositeReward reward = new CompositeReward(List.of(new WeightedReward(new RewardFunction() {
            @Override
            public String name() {
                return "code";
            }

            @Override
            public RewardRange range() {
                return RewardRange.UNIT;
            }

            @Override
            public double score(RewardInput input) {
                throw failure;
            }
        }, 1.0)));
        assertSame(failure, assertThrows(IllegalStateException.class, () -> reward.evaluate(CORRECT)));
    }

    static Stream<Arguments> invalidParts() {
        RewardFunction accuracy = new AccuracyReward();
        return Stream.of(
                Arguments.of(List.of(), "a composite reward needs at least one part, got []"),
                Arguments.of(Arrays.asList(new WeightedReward(accuracy, 1.0), null), "part 1 has no reward function"),
                Arguments.of(List.of(new WeightedReward(null, 1.0)), "part 0 has no reward function"),
                Arguments.of(List.of(new WeightedReward(new Constant(" ", 1), 1.0)), "part 0 has a blank reward name"),
                Arguments.of(List.of(new WeightedReward(accuracy, Double.NaN)),
                        "part 0 ('accuracy') needs a finite weight >= 0, got NaN"),
                Arguments.of(List.of(new WeightedReward(accuracy, -0.5)),
                        "part 0 ('accuracy') needs a finite weight >= 0, got -0.5"),
                Arguments.of(List.of(new WeightedReward(new FormatReward(), 1), new WeightedReward(accuracy, Double.POSITIVE_INFINITY)),
                        "part 1 ('accuracy') needs a finite weight >= 0, got Infinity"),
                Arguments.of(List.of(new WeightedReward(accuracy, 1.0), new WeightedReward(new AccuracyReward(), 2.0)),
                        "part 1 repeats the reward name 'accuracy'; names key the breakdown and must be unique"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidParts")
    void shouldRejectInvalidParts(List<WeightedReward> parts, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CompositeReward(parts));
        assertTrue(e.getMessage().startsWith(message), () -> "message was: " + e.getMessage());
    }

    @Test
    void shouldRejectNullList() {
        assertThrows(IllegalArgumentException.class, () -> new CompositeReward(null));
    }

    @Test
    void shouldRejectInvalidRange() {
        assertThrows(IllegalArgumentException.class, () -> new RewardRange(1.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new RewardRange(Double.NaN, 1.0));
    }

    @Test
    void shouldRejectNullInputFields() {
        assertThrows(NullPointerException.class, () -> new RewardInput(null, "", ""));
        assertThrows(NullPointerException.class, () -> new RewardInput("", null, ""));
        assertThrows(NullPointerException.class, () -> new RewardInput("", "", null));
    }
}
