package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerNormalizerTest {

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            18                     | 18
            "  18  "               | 18
            1,000,000              | 1000000
            $18                    | 18
            \\$1,234.50            | 1234.5
            18.00                  | 18
            18.0                   | 18
            18.                    | 18
            50%                    | 50
            50\\%                  | 50
            \\frac{3}{4}           | 0.75
            \\dfrac{3}{4}          | 0.75
            3/4                    | 0.75
            0.75                   | 0.75
            .75                    | 0.75
            2/6                    | 1/3
            \\frac{-2}{6}          | -1/3
            -\\frac{3}{4}          | -0.75
            -5                     | -5
            −5                     | -5
            - 5                    | -5
            -$5                    | -5
            -0                     | 0
            0.000                  | 0
            007                    | 7
            18 dollars             | 18
            5 apples               | 5
            12 cm                  | 12
            3/4 cup                | 0.75
            \\text{18 dollars}     | 18
            18\\text{ dollars}     | 18
            **42**                 | 42
            **42**.                | 42
            $\\frac{1}{3}$         | 1/3
            \\(7\\)                | 7
            \\boxed{7}             | 7
            x = 5                  | 5
            1\\,000                | 1000
            90^\\circ              | 90
            123456789012345678901234567890 | 123456789012345678901234567890
            Paris                  | paris
            "  New   York  "       | new york
            \\text{Blue}           | blue
            **Yes**                | yes
            1/0                    | 1/0
            1,5                    | 1,5
            5 or 6                 | 5 or 6
            """)
    void shouldNormalizeToCanonicalForm(String answer, String expected) {
        assertEquals(Optional.of(expected), AnswerNormalizer.normalize(answer));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\\boxed{}", "**", "$$", "\\text{ }", "."})
    void shouldReturnEmptyWhenNothingIsLeft(String answer) {
        assertEquals(Optional.empty(), AnswerNormalizer.normalize(answer));
    }

    @Test
    void shouldReturnEmptyForNull() {
        assertEquals(Optional.empty(), AnswerNormalizer.normalize(null));
    }

    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            3/4                 | 0.75                | true
            \\frac{3}{4}        | 3/4                 | true
            6/8                 | 0.75                | true
            1/3                 | 2/6                 | true
            0.333               | 1/3                 | false
            0.3333333333333333  | 1/3                 | false
            0.1                 | 1/10                | true
            1,000,000           | 1000000             | true
            1000000             | 1000001             | false
            18                  | 19                  | false
            -5                  | 5                   | false
            −5                  | -5                  | true
            007                 | 7                   | true
            70                  | 7                   | false
            18 dollars          | $18.00              | true
            Paris               | paris               | true
            Paris               | London              | false
            ""                  | ""                  | false
            """)
    void shouldCompareAnswers(String a, String b, boolean expected) {
        assertEquals(expected, AnswerNormalizer.equivalent(a, b));
        assertEquals(expected, AnswerNormalizer.equivalent(b, a));
    }

    @Test
    void shouldNotConfuseTextWithNumbers() {
        assertFalse(AnswerNormalizer.equivalent("eighteen", "18"));
        assertTrue(AnswerNormalizer.equivalent("\\text{eighteen}", "Eighteen"));
    }
}
