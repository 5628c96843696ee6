package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Each equivalence rule with answers it must accept and, as many, answers it must still refuse. */
class MathEquivalenceTest {

    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # fractions, however typeset
            \\frac{1}{2}            | 0.5                     | true
            \\dfrac12               | 0.5                     | true
            \\dfrac12               | \\frac{1}{2}            | true
            \\tfrac{1}{2}           | 1/2                     | true
            \\frac1{2}              | 1/2                     | true
            \\frac{1}2              | 0.5                     | true
            1/2                     | 0.50                    | true
            \\frac{2}{4}            | 1/2                     | true
            -\\dfrac12              | -0.5                    | true
            $\\dfrac{3}{4}$         | 0.75                    | true
            \\frac{1}{2}            | 2                       | false
            1/2                     | 2                       | false
            \\dfrac12               | 12                      | false
            \\dfrac12               | \\frac{2}{1}            | false
            \\frac{1}{3}            | 0.333                   | false
            \\dfrac13               | 0.33                    | false
            \\frac{1}{2}            | -0.5                    | false
            \\dfrac{3}{4}           | 0.7                     | false
            # mixed numbers: a whole and a fraction, never digits run together
            2\\frac{1}{2}           | 2.5                     | true
            2\\frac{1}{2}           | 5/2                     | true
            -1\\frac{1}{4}          | -1.25                   | true
            2\\frac{1}{2}           | 21/2                    | false
            2\\frac{1}{2}           | 10.5                    | false
            1\\frac{1}{4}           | -1.25                   | false
            # percent: one side with a sign equals the other as written or as a fraction; bare numbers never scale
            50\\%                   | 0.5                     | true
            50%                     | 0.5                     | true
            50%                     | 1/2                     | true
            50%                     | 50                      | true
            12.5%                   | 0.125                   | true
            12.5\\%                 | \\frac{1}{8}            | true
            50 percent              | 0.5                     | true
            \\text{50 percent}      | 50                      | true
            100%                    | 1                       | true
            50%                     | 5                       | false
            50%                     | 0.05                    | false
            0.5                     | 50                      | false
            50%                     | 0.5%                    | false
            5%                      | 0.5                     | false
            50\\%                   | 50.5                    | false
            100%                    | 10                      | false
            # thousands separators
            1,000                   | 1000                    | true
            1,000,000               | 1000000                 | true
            "12,345.5"              | 12345.50                | true
            \\$1,000                | 1000                    | true
            1,000                   | 100                     | false
            1,000                   | 1                       | false
            1,000                   | 1,001                   | false
            1,000                   | "1, 000"                | false
            # units and currency
            $18                     | 18                      | true
            \\$18.00                | 18                      | true
            18 dollars              | 18                      | true
            18 cm                   | 18                      | true
            18\\text{ cm}           | 18                      | true
            18 \\mathrm{cm}^2       | 18                      | true
            18 m²                   | 18                      | true
            €18                     | 18                      | true
            "£1,250"                | 1250                    | true
            ¥500                    | 500                     | true
            $18                     | 19                      | false
            18 dollars              | 81                      | false
            18 cm                   | 1.8                     | false
            €18                     | 180                     | false
            18 cm^2                 | 182                     | false
            230 miles/train         | 230                     | true
            $2/hour                 | 2                       | true
            5 km/h                  | 5                       | true
            "$18,000/year"          | 18000                   | true
            "118 000"               | 118000                  | true
            "$118 000"              | 118000                  | true
            230 miles/train         | 23                      | false
            1/x                     | 1                       | false
            "118 000"               | 118                     | false
            "1 20"                  | 120                     | false
            # \\text{} and other markup
            \\text{18}              | 18                      | true
            \\textbf{42}            | 42                      | true
            \\text{Paris}           | paris                   | true
            \\text{(B)}             | B                       | true
            **42**                  | 42                      | true
            $\\boxed{7}$            | 7                       | true
            \\(7\\)                 | 7                       | true
            \\text{yes}             | no                      | false
            (B)                     | (C)                     | false
            \\textbf{42}            | 24                      | false
            # tuples: in order, bracket-sensitive
            "(1, 2)"                | "(1,2)"                 | true
            "(1, 2)"                | "\\left(1, 2\\right)"   | true
            "(\\frac{1}{2}, 3)"     | "(0.5, 3)"              | true
            "(1, 2, 3)"             | "(1,2,3)"               | true
            "((1, 2), 3)"           | "((1,2),3)"             | true
            (5)                     | 5                       | true
            "(-\\infty, 0)"         | "(-∞, 0)"               | true
            "(1, 2)"                | "(2, 1)"                | false
            "(1, 2)"                | "(1, 2, 3)"             | false
            "(1, 2)"                | 12                      | false
            "(1, 2)"                | "1, 2"                  | false
            "(1, 2)"                | "\\{1, 2\\}"            | false
            "(1, -2)"               | "(1, 2)"                | false
            "((1, 2), 3)"           | "((2,1),3)"             | false
            # intervals: bracket-sensitive, infinity however written
            "[1, 2)"                | "[1,2)"                 | true
            "(-\\infty, 3]"         | "(-inf, 3]"             | true
            "[0, \\infty)"          | "[0, +\\infty)"         | true
            "x \\in [1, 2)"         | "[1, 2)"                | true
            "[\\frac{1}{2}, 1]"     | "[0.5, 1]"              | true
            "[1, 2) \\cup (3, 4]"   | "(3, 4] \\cup [1, 2)"   | true
            "(-\\infty, 0) ∪ (0, \\infty)" | "(-\\infty,0)\\cup(0,\\infty)" | true
            "[1, 2]"                | "[1, 2)"                | false
            "(1, 2]"                | "[1, 2]"                | false
            "[1, 2)"                | "(1, 2)"                | false
            "(-\\infty, 3]"         | "(-\\infty, 3)"         | false
            "[0, \\infty)"          | "[0, \\infty]"          | false
            "[1, 2]"                | "[2, 1]"                | false
            "[1, 2) \\cup (3, 4]"   | "[1, 2) \\cup [3, 4]"   | false
            "[1, 2)"                | "[1, 2) \\cup (3, 4]"   | false
            # sets: any order, repeats ignored; a bare list of numbers is a set
            "\\{1, 2\\}"            | "\\{2, 1\\}"            | true
            "\\{1,2\\}"             | "\\{1, 2\\}"            | true
            "\\left\\{1, 2\\right\\}" | "\\{2,1\\}"           | true
            "\\{1, 1, 2\\}"         | "\\{1, 2\\}"            | true
            "\\{\\frac{1}{2}, 3\\}" | "\\{3, 0.5\\}"          | true
            "{1, 2}"                | "\\{2, 1\\}"            | true
            "1, 2"                  | "2, 1"                  | true
            "1, 2"                  | "\\{1, 2\\}"            | true
            "-3, \\dfrac12"         | "0.5, -3"               | true
            \\emptyset              | \\{\\}                  | true
            \\varnothing            | \\emptyset              | true
            "\\{1, 2\\}"            | "\\{1, 2, 3\\}"         | false
            "\\{1, 2\\}"            | "\\{1\\}"               | false
            "\\{1, 2\\}"            | "\\{1, 3\\}"            | false
            "1,2"                   | 12                      | false
            "1, 2"                  | "1, 3"                  | false
            "-3, 2"                 | "3, 2"                  | false
            \\emptyset              | \\{0\\}                 | false
            \\emptyset              | 0                       | false
            # text and LaTeX that is not a number
            \\frac{\\sqrt{3}}{2}    | \\dfrac{\\sqrt3}2       | true
            \\sqrt{2}               | \\sqrt2                 | true
            x^{2} + 1               | x^2+1                   | true
            y = 2x + 1              | 2x+1                    | true
            x = 5                   | 5                       | true
            "  New   York "         | new york                | true
            \\sqrt{3}               | \\sqrt{2}               | false
            x^2 + 1                 | x^2 - 1                 | false
            2x                      | x+x                     | false
            \\sqrt{4}               | 2                       | false
            \\pi                    | 3.14                    | false
            New York                | NewYork                 | false
            x = 5                   | 6                       | false
            Paris                   | London                  | false
            # plain numbers stay as strict as ever
            18                      | 19                      | false
            -5                      | 5                       | false
            0.5                     | 0.05                    | false
            1/0                     | 0                       | false
            ""                      | 0                       | false
            ""                      | ""                      | false
            """)
    void shouldJudgeAnswersAsAMathVerifierDoes(String answer, String reference, boolean expected) {
        assertEquals(expected, MathEquivalence.equivalent(answer, reference), answer + " vs " + reference);
        assertEquals(expected, MathEquivalence.equivalent(reference, answer), reference + " vs " + answer);
    }

    /** Everything the normalizer calls equal stays equal: the existing strict reward only gains. */
    @ParameterizedTest(name = "[{index}] {0} vs {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            3/4                 | 0.75
            \\frac{3}{4}        | 3/4
            1,000,000           | 1000000
            18 dollars          | $18.00
            −5                  | -5
            50%                 | 50
            Paris               | paris
            """)
    void shouldKeepEverythingTheNormalizerAccepts(String a, String b) {
        assertTrue(AnswerNormalizer.equivalent(a, b));
        assertTrue(MathEquivalence.equivalent(a, b));
    }

    @Test
    void shouldRefuseNull() {
        assertFalse(MathEquivalence.equivalent(null, "1"));
        assertFalse(MathEquivalence.equivalent("1", null));
    }

    static Stream<Arguments> degenerate() {
        return Stream.of(
                Arguments.of("open parentheses", "(".repeat(50_000)),
                Arguments.of("nested parentheses", "(".repeat(400) + "1" + ")".repeat(400)),
                Arguments.of("nested sets", "\\{".repeat(300) + "1" + "\\}".repeat(300)),
                Arguments.of("long list", "1, ".repeat(300) + "2"),
                Arguments.of("long list in a set", "\\{" + "1, ".repeat(30_000) + "2\\}"),
                Arguments.of("unions", "[1, 2) \\cup ".repeat(200) + "[3, 4]"),
                Arguments.of("fractions", "\\frac{".repeat(20_000)),
                Arguments.of("stray closers", ")]}\\}".repeat(10_000)),
                Arguments.of("backslashes", "\\".repeat(50_001)));
    }

    /**
     * Sets of sets, {@code width} items a level and {@code levels} deep, every level written in order or reversed:
     * the costliest input of its length to compare, since each item finds its match only after trying the others.
     */
    private static String nestedSets(int width, int levels, boolean reversed, int[] leaf) {
        if (levels == 0) {
            return Integer.toString(leaf[0]++);
        }
        String[] items = new String[width];
        for (int i = 0; i < width; i++) {
            items[i] = nestedSets(width, levels - 1, reversed, leaf);
        }
        StringBuilder set = new StringBuilder("\\{");
        for (int i = 0; i < width; i++) {
            set.append(i == 0 ? "" : ",").append(items[reversed ? width - 1 - i : i]);
        }
        return set.append("\\}").toString();
    }

    @Test
    void shouldCompareNestedSetsQuickly() {
        String inOrder = nestedSets(5, 3, false, new int[] {100});
        String reversed = nestedSets(5, 3, true, new int[] {100});
        String changed = reversed.replace("224", "999");
        assertTrue(inOrder.length() < 1_000, "under the length cap: " + inOrder.length());
        assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> MathEquivalence.equivalent(inOrder, reversed)));
        assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> MathEquivalence.equivalent(inOrder, changed)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("degenerate")
    void shouldCompareDegenerateAnswersQuickly(String description, String answer) {
        for (String reference : new String[] {"1", "(1, 2)", "\\{1, 2\\}", "[1, 2)", answer}) {
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> MathEquivalence.equivalent(answer, reference),
                    description);
        }
    }

    @Test
    void shouldNeverThrowOnGarbage() {
        String alphabet = "()[]{}\\,%$.-/0123456789 ∪∞fracupinty";
        String[] references = {"1", "(1, 2)", "\\{1, 2\\}", "[1, 2)", "50%", "1/2", "\\emptyset"};
        Random random = new Random(7);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder answer = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                answer.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String a = answer.toString();
            String reference = references[random.nextInt(references.length)];
            boolean forward = MathEquivalence.equivalent(a, reference);
            assertEquals(forward, MathEquivalence.equivalent(reference, a), a + " vs " + reference);
        }
    }
}
