package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The accuracy reward in both modes, and {@code aha.reward.extract} read from configuration. */
class ExtractModeTest {
    private static final AccuracyReward STRICT = new AccuracyReward(ExtractMode.STRICT);
    private static final AccuracyReward FLEXIBLE = new AccuracyReward(ExtractMode.FLEXIBLE);

    @ParameterizedTest(name = "[{index}] {0} vs {1} -> strict {2}, flexible {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            <answer>18</answer>                         | 18          | 1.0 | 1.0
            <answer>19</answer>                         | 18          | 0.0 | 0.0
            <answer>19</answer> Answer: 18              | 18          | 0.0 | 0.0
            \\boxed{\\dfrac12}                          | 0.5         | 1.0 | 1.0
            <answer>\\{2, 1\\}</answer>                 | \\{1,2\\}   | 1.0 | 1.0
            <answer>[1, 2]</answer>                     | "[1, 2)"    | 0.0 | 0.0
            The answer is 50%.                          | 0.5         | 1.0 | 1.0
            Answer: 18                                  | 18          | 0.0 | 1.0
            Answer: 17                                  | 18          | 0.0 | 0.0
            A: $18                                      | 18          | 0.0 | 1.0
            A: 18 dollars                               | 18.00       | 0.0 | 1.0
            So she makes **$18** a day.                 | 18          | 0.0 | 1.0
            So she makes **$81** a day.                 | 18          | 0.0 | 0.0
            9 * 2 = $18.                                | 18          | 0.0 | 1.0
            9 * 2 = $19.                                | 18          | 0.0 | 0.0
            It costs $1,250 in total                    | 1250        | 0.0 | 1.0
            It costs $1,250 in total                    | 125         | 0.0 | 0.0
            "Answer: (1, 2)"                            | "(1,2)"     | 0.0 | 1.0
            "Answer: (2, 1)"                            | "(1,2)"     | 0.0 | 0.0
            "Answer: \\{3, 1\\}"                        | "1, 3"      | 0.0 | 1.0
            Answer: 50\\%                               | 1/2         | 0.0 | 1.0
            Answer: 5%                                  | 1/2         | 0.0 | 0.0
            Answer: Paris                               | paris       | 0.0 | 1.0
            I have no idea                              | 18          | 0.0 | 0.0
            Answer: 18                                  | ""          | 0.0 | 0.0
            """)
    void shouldScoreInBothModes(String completion, String reference, double strict, double flexible) {
        RewardInput input = new RewardInput("", completion, reference);
        assertEquals(strict, STRICT.score(input), "strict");
        assertEquals(flexible, FLEXIBLE.score(input), "flexible");
    }

    @Test
    void theDefaultRewardIsStrict() {
        assertEquals(ExtractMode.STRICT, new AccuracyReward().extract());
        assertEquals(0.0, new AccuracyReward().score(new RewardInput("", "Answer: 18", "18")));
    }

    @Test
    void theShippedDefaultIsStrict() {
        RewardSettings settings = RewardSettings.fromConfig(ConfigFactory.load().getConfig("aha.reward"));
        assertEquals(ExtractMode.STRICT, settings.extract());
    }

    @ParameterizedTest
    @CsvSource({"strict, STRICT", "flexible, FLEXIBLE", "FLEXIBLE, FLEXIBLE", "' Strict ', STRICT"})
    void shouldReadTheKey(String value, ExtractMode expected) {
        RewardSettings settings = RewardSettings.fromConfig(ConfigFactory.parseString("extract = \"" + value + "\"")
                .withFallback(ConfigFactory.load().getConfig("aha.reward")));
        assertEquals(expected, settings.extract());
        AccuracyReward accuracy = (AccuracyReward) settings.compose().parts().get(0).function();
        assertEquals(expected, accuracy.extract());
    }

    @ParameterizedTest
    @ValueSource(strings = {"loose", "", "true", "strict flexible"})
    void shouldRefuseAnythingElseNamingTheKey(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RewardSettings.fromConfig(
                ConfigFactory.parseString("extract = \"" + value + "\"")
                        .withFallback(ConfigFactory.load().getConfig("aha.reward"))));
        assertEquals("aha.reward.extract must be strict or flexible, was '" + value + "'", e.getMessage());
    }
}
