package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LanguageConsistencyRewardTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("pure English", TargetScript.LATIN, "<think>First add the eggs, then sell them.</think><answer>18</answer>", 1.0),
                Arguments.of("pure Chinese, CJK target", TargetScript.CJK, "<think>先算鸡蛋</think><answer>18</answer>", 1.0),
                Arguments.of("pure Chinese, Latin target", TargetScript.LATIN, "<think>先算鸡蛋</think><answer>18</answer>", 0.0),
                // four English words, four ideographs
                Arguments.of("mixed half and half", TargetScript.LATIN, "<think>add the eggs now 先算鸡蛋</think><answer>18</answer>", 0.5),
                Arguments.of("mixed, CJK target", TargetScript.CJK, "<think>先算鸡蛋 then add</think>", 4.0 / 6.0),
                Arguments.of("numbers only", TargetScript.LATIN, "<think>16 - 3 - 4 = 9; 9 * 2 = 18</think><answer>18</answer>", 1.0),
                Arguments.of("empty think", TargetScript.CJK, "<think></think><answer>x</answer>", 1.0),
                Arguments.of("no think tags: whole completion", TargetScript.LATIN, "We add: 先算", 0.5),
                Arguments.of("no think tags: tag names are not words", TargetScript.CJK, "<answer>鸡蛋</answer>", 1.0),
                Arguments.of("answer text is not judged", TargetScript.LATIN, "<think>just English</think><answer>先算鸡蛋</answer>", 1.0),
                Arguments.of("prefilled think, close only", TargetScript.LATIN, "eggs 鸡</think><answer>先算</answer>", 0.5),
                Arguments.of("truncated think, open only", TargetScript.LATIN, "<think>eggs 鸡 蛋 算", 0.25),
                Arguments.of("nested think tags are not words", TargetScript.CJK, "<think>先<think>算</think>鸡</think>", 1.0),
                Arguments.of("unclosed think after a closed one", TargetScript.LATIN, "<think>one</think> x <think>два", 0.5),
                Arguments.of("several think blocks", TargetScript.LATIN, "<think>one</think><think>два</think>", 0.5),
                Arguments.of("Russian, Cyrillic target", TargetScript.CYRILLIC, "<think>Сначала сложим яйца, потом 18.</think>", 1.0),
                Arguments.of("Russian, Latin target", TargetScript.LATIN, "<think>Сначала сложим</think>", 0.0),
                Arguments.of("word mixing scripts", TargetScript.LATIN, "<think>abcабв ok</think>", 0.5),
                Arguments.of("Arabic", TargetScript.ARABIC, "<think>نجمع البيض</think>", 1.0),
                Arguments.of("Hindi with vowel signs is one word each", TargetScript.DEVANAGARI, "<think>हिन्दी भाषा x</think>", 2.0 / 3.0),
                Arguments.of("Japanese kana and prolonged mark", TargetScript.CJK, "<think>コーヒーを飲む</think>", 1.0),
                Arguments.of("Korean Hangul", TargetScript.CJK, "<think>계란을 더하면</think>", 1.0),
                Arguments.of("accented Latin", TargetScript.LATIN, "<think>café naïve résumé</think>", 1.0),
                Arguments.of("LaTeX commands are Latin words", TargetScript.CJK, "<think>\\frac{1}{2} 一半</think>", 2.0 / 3.0));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void shouldScoreShareOfWordsInTargetScript(String description, TargetScript target, String completion, double expected) {
        double score = new LanguageConsistencyReward(target).score(new RewardInput("", completion, ""));
        assertEquals(expected, score, 1e-12, description);
    }

    @Test
    void shouldDefaultToLatin() {
        LanguageConsistencyReward reward = new LanguageConsistencyReward();
        assertEquals(TargetScript.LATIN, reward.target());
        assertEquals("language", reward.name());
        assertEquals(RewardRange.UNIT, reward.range());
    }

    @Test
    void shouldRejectNullTarget() {
        assertThrows(NullPointerException.class, () -> new LanguageConsistencyReward(null));
    }
}
