package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatRewardTest {

    private final FormatReward format = new FormatReward();

    @ParameterizedTest(name = "[{index}] {1}: `{0}`")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "<think>2+2=4</think><answer>4</answer>|1",
        "<think>2+2=4</think> <answer>4</answer>|1",
        "  <think>a\\nb</think>\\n\\n<answer>4</answer>\\n|1",
        "<think> reasoning </think> <answer> 4 </answer>|1",
        "<answer>4</answer>|0",
        "<think>2+2=4</think>|0",
        "<answer>4</answer><think>2+2=4</think>|0",
        "Sure! <think>x</think><answer>4</answer>|0",
        "<think>x</think><answer>4</answer> Hope this helps|0",
        "<think>x</think> and <answer>4</answer>|0",
        "<think><think>x</think></think><answer>4</answer>|0",
        "<think>x</think><answer>4<answer>5</answer></answer>|0",
        "<think>x <answer>3</answer></think><answer>4</answer>|0",
        "<think>   </think><answer>4</answer>|0",
        "<think>x</think><answer>  </answer>|0",
        "<think>x</think><answer>4</answer><answer>5</answer>|0",
        "<think>x</think><answer>4|0",
        "<Think>x</Think><answer>4</answer>|0",
        "``|0",
    })
    void shouldAcceptOnlyTheExactThinkThenAnswerShape(String completion, double expected) {
        assertEquals(expected, format.score(new RewardInput("", completion.replace("\\n", "\n"), "4")));
    }
}
