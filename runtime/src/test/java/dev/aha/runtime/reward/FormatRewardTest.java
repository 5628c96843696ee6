package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FormatRewardTest {
    private final FormatReward reward = new FormatReward();

    static Stream<Arguments> wellFormed() {
        return Stream.of(
                Arguments.of("compact", "<think>9 * 2 = 18</think><answer>18</answer>"),
                Arguments.of("newlines between", "<think>\nstep one\nstep two\n</think>\n<answer>\n18\n</answer>"),
                Arguments.of("whitespace around", "  \n<think>x</think> \t <answer>y</answer>\n\n"),
                Arguments.of("boxed answer", "<think>so</think><answer>\\boxed{\\frac{3}{4}}</answer>"),
                Arguments.of("other angle brackets", "<think>3 < 4 and <<2*2=4>></think><answer>x > 1</answer>"),
                Arguments.of("unicode reasoning", "<think>先算 9 乘 2</think><answer>18</answer>"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("wellFormed")
    void shouldScoreOneForWellFormedCompletions(String description, String completion) {
        assertEquals(1.0, reward.score(new RewardInput("", completion, "")), description);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("plain text", "The answer is 18."),
                Arguments.of("no think", "<answer>18</answer>"),
                Arguments.of("no answer", "<think>9 * 2</think>"),
                Arguments.of("think not closed", "<think>9 * 2<answer>18</answer>"),
                Arguments.of("answer not closed", "<think>9 * 2</think><answer>18"),
                Arguments.of("wrong order", "<answer>18</answer><think>9 * 2</think>"),
                Arguments.of("text before", "Sure! <think>9 * 2</think><answer>18</answer>"),
                Arguments.of("text between", "<think>9 * 2</think> so <answer>18</answer>"),
                Arguments.of("text after", "<think>9 * 2</think><answer>18</answer> Done."),
                Arguments.of("nested think", "<think>a <think>b</think> c</think><answer>18</answer>"),
                Arguments.of("answer inside think", "<think>a <answer>17</answer></think><answer>18</answer>"),
                Arguments.of("stray close in think", "<think>a </answer> b</think><answer>18</answer>"),
                Arguments.of("think tag inside answer", "<think>a</think><answer>18 <think></answer>"),
                Arguments.of("two answers", "<think>a</think><answer>1</answer><answer>2</answer>"),
                Arguments.of("two thinks", "<think>a</think><think>b</think><answer>2</answer>"),
                Arguments.of("empty think", "<think></think><answer>18</answer>"),
                Arguments.of("blank think", "<think> \n\t </think><answer>18</answer>"),
                Arguments.of("empty answer", "<think>a</think><answer></answer>"),
                Arguments.of("blank answer", "<think>a</think><answer>\n </answer>"),
                Arguments.of("upper-case tags", "<THINK>a</THINK><ANSWER>18</ANSWER>"),
                Arguments.of("mixed-case close", "<think>a</Think><answer>18</answer>"),
                Arguments.of("stray upper-case tag", "<think>a <Answer> b</think><answer>18</answer>"),
                Arguments.of("prefilled think missing", "9 * 2 = 18</think><answer>18</answer>"),
                Arguments.of("spaced tag", "< think>a</think><answer>18</answer>"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformed")
    void shouldScoreZeroForMalformedCompletions(String description, String completion) {
        assertEquals(0.0, reward.score(new RewardInput("", completion, "")), description);
    }

    @Test
    void shouldIgnorePromptAndReference() {
        String completion = "<think>a</think><answer>b</answer>";
        assertEquals(1.0, reward.score(new RewardInput("Assistant: <think>", completion, "c")));
    }

    @Test
    void shouldDescribeItself() {
        assertEquals("format", reward.name());
        assertEquals(RewardRange.UNIT, reward.range());
    }
}
