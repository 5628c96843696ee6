package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageConsistencyRewardTest {

    @ParameterizedTest(name = "[{index}] {0} in {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "<think>we add two and two</think><answer>4</answer>|LATIN|1.0",
        "<think>我们 先 计算</think><answer>4</answer>|CJK|1.0",
        "<think>我们先计算</think><answer>4</answer>|LATIN|0.0",
        "<think>first 计算</think><answer>4</answer>|LATIN|0.3333333333333333",
        "<think>one two 三四</think><answer>4</answer>|CJK|0.5",
        "<think>12 + 7 = 19</think><answer>19</answer>|LATIN|1.0",
        "<think></think><answer>1</answer>|CJK|1.0",
        "plain english words without tags|LATIN|1.0",
        "<think>привет мир hello world</think>|CYRILLIC|0.5",
        "<think>don't stop</think>|LATIN|1.0",
        "<think>αβγ abc</think>|GREEK|0.5",
        "<think>カタカナ ひらがな</think>|CJK|1.0",
        "<think>only the think counts</think> 日本語日本語|LATIN|1.0",
    })
    void shouldScoreTheShareOfThoughtWordsInTheTargetScript(String completion, Script target, double expected) {
        double score = new LanguageConsistencyReward(target).score(new RewardInput("", completion, "4"));
        assertEquals(expected, score, 1e-12);
    }

    @org.junit.jupiter.api.Test
    void shouldRequireATarget() {
        assertThrows(IllegalArgumentException.class, () -> new LanguageConsistencyReward(null));
        assertEquals(Script.LATIN, Script.valueOf("LATIN"));
    }
}
