package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccuracyRewardTest {

    private final AccuracyReward accuracy = new AccuracyReward();

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "<think>2+2=4</think> <answer>4</answer>|4",
        "<answer>first</answer> then <answer>second</answer>|second",
        "<answer>so \\boxed{12} it is</answer>|12",
        "text \\boxed{\\frac{3}{4}} more|\\frac{3}{4}",
        "\\boxed{1} and later \\boxed{2}|2",
        "\\boxed{{nested}{braces}}|{nested}{braces}",
        "Janet sells 9 eggs.\\n#### 18|18",
        "#### 1,000\\n|1,000",
        "#### 5\\nsome more\\n#### 7|7",
        "So the answer is 42.|42",
        "THE ANSWER IS: -3|-3",
        "the final answer is 3.5 apples. Done|3.5 apples",
        "The answer is $1,234.56.|$1,234.56",
        "<answer>  7 </answer>|7",
        "\\boxed{5} then #### 6|5",
        "#### 6\\nthen the answer is 5|6",
    })
    void shouldExtractTheFinalAnswerByConvention(String completion, String expected) {
        assertEquals(Optional.of(expected), AnswerExtractor.extract(completion.replace("\\n", "\n")));
    }

    @ParameterizedTest(name = "[{index}] `{0}`")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "no answer here",
        "``",
        "<answer></answer>",
        "<answer>   </answer>",
        "\\boxed{unbalanced",
        "\\boxed{}",
        "####   ",
        "<answer>unclosed",
    })
    void shouldFindNoAnswerWhereThereIsNone(String completion) {
        assertEquals(Optional.empty(), AnswerExtractor.extract(completion));
    }

    @ParameterizedTest(name = "[{index}] {0} == {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "1,000,000|1000000",
        "$18|18",
        "\\$18.00|18",
        "50%|50",
        "12\\%|12",
        "18.0|18",
        "3/4|0.75",
        "\\frac{3}{4}|0.75",
        "\\dfrac{6}{8}|3/4",
        "\\frac34|0.75",
        "-5|−5",
        "-0.5|-1/2",
        "007|7",
        "18 dollars|18",
        "12 cm|12",
        "5 apples.|5",
        "\\text{5}|5",
        "**42**|42",
        "0.1|1/10",
        ".5|0.5",
        "+3|3",
        "Paris|paris",
        "New   York|new york",
        "1,234.50|1234.5",
    })
    void shouldTreatEquivalentFormsAsEqual(String a, String b) {
        assertTrue(AnswerNormalizer.equivalent(a, b), a + " vs " + b + ": "
                + AnswerNormalizer.normalize(a) + " / " + AnswerNormalizer.normalize(b));
        assertEquals(1.0, accuracy.score(new RewardInput("", "<answer>" + a + "</answer>", b)));
    }

    @ParameterizedTest(name = "[{index}] {0} != {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "18|19",
        "-5|5",
        "3/4|0.74",
        "1,000|100",
        "0.333|1/3",
        "10%|0.1",
        "12 cm|13",
        "Paris|London",
        "1/0|1",
    })
    void shouldTellDifferentAnswersApart(String a, String b) {
        assertEquals(0.0, accuracy.score(new RewardInput("", "<answer>" + a + "</answer>", b)), a + " vs " + b);
    }

    @Test
    void shouldScoreZeroWithoutAnAnswerAndNeverThrow() {
        assertEquals(0.0, accuracy.score(new RewardInput("", "I think it is 4", "4")));
        assertEquals(0.0, accuracy.score(new RewardInput(null, null, null)));
        assertEquals(0.0, accuracy.score(new RewardInput("", "\\boxed{\\frac{1}{0}}", "1")));
        assertEquals(RewardRange.UNIT, accuracy.range());
        assertEquals("accuracy", accuracy.name());
    }
}
