package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Early in RL a policy emits long, repetitive garbage. Every reward must score it in linear time and without a
 * StackOverflowError (java.util.regex recurses on repeated groups), since it runs on every sample.
 */
class DegenerateCompletionTest {
    private static final List<RewardFunction> REWARDS = List.of(
            new AccuracyReward(), new FormatReward(), new LanguageConsistencyReward(TargetScript.CJK));

    static Stream<Arguments> degenerate() {
        return Stream.of(
                Arguments.of("unclosed boxes", "\\boxed{".repeat(20_000)),
                Arguments.of("unclosed answer tags", "<answer>".repeat(20_000)),
                Arguments.of("unclosed think tags", "<think>".repeat(20_000)),
                Arguments.of("answer-is loop", "the answer is ".repeat(10_000)),
                Arguments.of("nested boxes", "<answer>" + "\\boxed{".repeat(5_000) + "5" + "}".repeat(5_000) + "</answer>"),
                Arguments.of("trailing periods", "<answer>5" + ".".repeat(20_000) + "</answer>"),
                Arguments.of("nested dollars", "<answer>" + "$$".repeat(10_000) + "5" + "$$".repeat(10_000) + "</answer>"),
                Arguments.of("long number with units", "<answer>" + "1".repeat(100_000) + " " + "apples ".repeat(10_000) + "</answer>"),
                Arguments.of("thousands groups", "#### " + "1,000".repeat(20_000)),
                Arguments.of("nested text wrappers", "<answer>" + "\\text{".repeat(3_000) + "5" + "}".repeat(3_000) + "</answer>"),
                Arguments.of("long words", "<think>" + "a".repeat(200_000) + "</think>"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("degenerate")
    void shouldScoreDegenerateCompletionsQuickly(String description, String completion) {
        RewardInput input = new RewardInput("", completion, "5");
        for (RewardFunction reward : REWARDS) {
            double score = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> reward.score(input),
                    () -> reward.name() + " on " + description);
            assertTrue(reward.range().contains(score), reward.name() + " out of range: " + score);
        }
    }
}
