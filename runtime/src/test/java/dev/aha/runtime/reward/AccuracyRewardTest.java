package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccuracyRewardTest {
    private final AccuracyReward reward = new AccuracyReward();

    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            <think>9 * 2</think><answer>18</answer>          | 18         | 1.0
            <think>9 * 2</think><answer>19</answer>          | 18         | 0.0
            <answer>$18</answer>                             | 18         | 1.0
            <answer>18 dollars</answer>                      | 18         | 1.0
            <answer>**18**</answer>                          | 18         | 1.0
            <answer>\\boxed{18}</answer>                     | 18         | 1.0
            <answer>1,000,000</answer>                       | 1000000    | 1.0
            <answer>1000000</answer>                         | 1,000,000  | 1.0
            <answer>0.75</answer>                            | 3/4        | 1.0
            <answer>\\frac{3}{4}</answer>                    | 0.75       | 1.0
            <answer>0.7</answer>                             | 3/4        | 0.0
            So \\boxed{\\frac{3}{4}}.                        | 3/4        | 1.0
            So \\boxed{\\dfrac{6}{8}}.                       | 0.75       | 1.0
            \\boxed{\\text{12 cm}}                           | 12         | 1.0
            \\boxed{5} first, then \\boxed{6}               | 5          | 0.0
            \\boxed{5} first, then \\boxed{6}               | 6          | 1.0
            "#### 70,000"                                     | 70000      | 1.0
            "#### 70000"                                      | 70,000     | 1.0
            "#### 7000"                                       | 70000      | 0.0
            "#### −10"                                        | -10        | 1.0
            "#### -10"                                        | 10         | 0.0
            "#### 007"                                        | 7          | 1.0
            "#### 18.00"                                      | 18         | 1.0
            The answer is 42.                                | 42         | 1.0
            So the answer is 41.                             | 42         | 0.0
            the answer is 25%.                               | 25         | 1.0
            The answer is Paris.                             | paris      | 1.0
            <answer>  New   York </answer>                   | new york   | 1.0
            <answer>Boston</answer>                          | new york   | 0.0
            I think it is 18                                 | 18         | 0.0
            <answer></answer>                                | 18         | 0.0
            \\boxed{}                                        | 18         | 0.0
            \\boxed{18                                       | 18         | 0.0
            <answer>18                                       | 18         | 0.0
            <answer>18</answer>                              | ""         | 0.0
            ""                                               | 18         | 0.0
            ""                                               | ""         | 0.0
            <answer>1/0</answer>                             | 0          | 0.0
            """)
    void shouldScoreOneOnlyForTheReferenceAnswer(String completion, String reference, double expected) {
        assertEquals(expected, reward.score(new RewardInput("", completion, reference)));
    }

    @Test
    void shouldNeverThrowOnGarbage() {
        String alphabet = "{}\\<>/#$.,-−%*0123456789 \nboxedanswrthikfc";
        Random random = new Random(42);
        for (int n = 0; n < 3_000; n++) {
            StringBuilder completion = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
                completion.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String[] fragments = {"\\boxed{", "<answer>", "</answer>", "#### ", "the answer is ", "\\frac{"};
            completion.insert(random.nextInt(completion.length() + 1), fragments[random.nextInt(fragments.length)]);
            double score = reward.score(new RewardInput("", completion.toString(), "7"));
            assertTrue(score == 0.0 || score == 1.0, completion::toString);
        }
    }

    @Test
    void shouldDescribeItself() {
        assertEquals("accuracy", reward.name());
        assertEquals(new RewardRange(0.0, 1.0), reward.range());
    }
}
