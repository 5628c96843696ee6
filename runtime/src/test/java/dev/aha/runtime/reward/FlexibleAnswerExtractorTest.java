package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.testing.TestData;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FlexibleAnswerExtractorTest {
    private static final String NONE = "<none>";

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # the strict forms come first, unchanged
            <answer>18</answer> Answer: 19                    | 18
            \\boxed{5} and then A: 6                          | 5
            The answer is 9. **10**                           | 9
            # answer labels
            Answer: 18                                        | 18
            A: 18                                             | 18
            a: 18                                             | 18
            Final answer: $18                                 | $18
            FINAL ANSWER: 18                                  | 18
            **Answer:** 18                                    | 18
            **Answer**: 18                                    | 18
            **Final Answer: 18**                              | 18
            ## Answer: 42                                     | 42
            > Answer: 42                                      | 42
            Answer：42                                        | 42
            Answer: 16 - 7 = 9 eggs                           | 9 eggs
            Answer: The total is 18 dollars.                  | 18
            Answer: 18. She has enough left over.             | 18
            Answer: Paris                                     | Paris
            "Answer: (1, 2)"                                  | "(1, 2)"
            "Answer: 1,000"                                   | "1,000"
            Answer: \\frac{3}{4}                              | \\frac{3}{4}
            # bold on the last line
            So she makes **$18** a day.                       | $18
            **18**                                            | 18
            The result is **18** and then **19**.             | 19
            **Total cost: $18**                               | $18
            **a** and **18** and an unclosed **               | 18
            # = on the last line
            9 * 2 = $18.                                      | $18
            "Janet sells 16 - 3 - 4 = 9 eggs, so she earns 9 * 2 = $18 per day." | $18 per day
            So x = 5                                          | 5
            "3 + 4 = 7, so she has 7 apples."                 | 7
            2 + 2 = 4 (checked three times)                   | 4
            so 9 + 6 = 15 liters out of the 24 liters.        | 15
            So he will be 5+3=8 in 3 years                    | 8
            "You save $4 + $2 = $6 for 2 tubs and 4 packets."  | $6
            He needs = \\frac{3}{4} cups of flour           | \\frac{3}{4} cups of flour
            "So y = (1, 2)"                                   | "(1, 2)"
            "a profit of 200,000-130,000=$<<200000-130000=70000>>70,000" | "$70,000"
            "9 + 6 = <<9+6=15>>15 liters of water"            | 15 liters of water
            # the last number, as lm-evaluation-harness's flexible-extract takes it
            She has 5 apples and eats 2, leaving 3            | 3
            The cost is $1,250.                               | $1,250
            I think it is 18                                  | 18
            It drops to -5 degrees.                           | -5
            the difference 16-3                               | 3
            It is 50% of them                                 | 50%
            about 3.5.                                        | 3.5
            half is 1/2 of them                               | 1/2
            # nothing to take
            x = y                                             | <none>
            no digits here                                    | <none>
            "Answer:   "                                      | <none>
            ""                                                | <none>
            """)
    void shouldExtractAnswersAsRealModelsWriteThem(String completion, String expected) {
        assertEquals(expectation(expected), FlexibleAnswerExtractor.extract(completion));
    }

    static Stream<Arguments> multiLine() {
        return Stream.of(
                Arguments.of("Answer: 3\nWait, recount.\nAnswer: 4", "4"),
                Arguments.of("Answer: 18\n**19**", "18"),
                Arguments.of("Answer:\n18", "18"),
                Arguments.of("Step 1: 16 - 3 - 4 = 9\nStep 2: 9 * 2 = 18\n\n**Answer: $18**\n\n", "$18"),
                Arguments.of("**Step 3** add them\n**18**", "18"),
                Arguments.of("She earns 9 * 2 = 18 dollars.\nThat is her income.", "18"),
                Arguments.of("First 5 + 5 = 10\nthen we are done", "10"),
                Arguments.of("Q: 2 + 2?\nA: 4\n", "4"),
                Arguments.of("<think>\n16 - 3 - 4 = 9\n9 * 2 = 18\n</think>\nShe makes $18 every day.", "$18"),
                Arguments.of("\n\n   \n", NONE));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("multiLine")
    void shouldExtractFromMultiLineSolutions(String completion, String expected) {
        assertEquals(expectation(expected), FlexibleAnswerExtractor.extract(completion));
    }

    /**
     * GSM8K's own worked solutions with their {@code #### n} line cut off end as real solutions do, in a sentence or
     * an equation: flexible reads 1309 of the 1319 (the rest end on another number, or give cents for dollars).
     */
    @Test
    void shouldReadGsm8kSolutionsWithoutTheirFinalLine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        AccuracyReward flexible = new AccuracyReward(ExtractMode.FLEXIBLE);
        AccuracyReward strict = new AccuracyReward(ExtractMode.STRICT);
        int right = 0;
        int rightStrictly = 0;
        List<String> lines = Files.readAllLines(TestData.gsm8k("test.jsonl"));
        for (String line : lines) {
            String solution = json.readTree(line).get("answer").asText();
            int marker = solution.lastIndexOf("####");
            RewardInput input = new RewardInput("", solution.substring(0, marker).strip(),
                    solution.substring(marker + 4).strip());
            right += (int) flexible.score(input);
            rightStrictly += (int) strict.score(input);
        }
        assertEquals(1319, lines.size());
        assertTrue(right >= 1305, right + " of 1319");
        assertEquals(0, rightStrictly);
    }

    @Test
    void shouldReturnEmptyForNull() {
        assertTrue(FlexibleAnswerExtractor.extract(null).isEmpty());
    }

    static Stream<Arguments> degenerate() {
        return Stream.of(
                Arguments.of("answer labels", "Answer: ".repeat(20_000)),
                Arguments.of("label then spaces", "A: " + " ".repeat(100_000) + "x"),
                Arguments.of("label prefixes", "*".repeat(100_000) + "A"),
                Arguments.of("bold marks", "**".repeat(50_000) + "1"),
                Arguments.of("equals signs", "= 1 ".repeat(30_000)),
                Arguments.of("digits and separators", "1,".repeat(50_000)),
                Arguments.of("blank lines", "\n".repeat(100_000) + "  "),
                Arguments.of("sentence words", "Answer: " + "word ".repeat(30_000) + "5"),
                Arguments.of("minus signs", "-".repeat(100_000) + "5"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("degenerate")
    void shouldExtractFromDegenerateCompletionsQuickly(String description, String completion) {
        AccuracyReward flexible = new AccuracyReward(ExtractMode.FLEXIBLE);
        double score = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> flexible.score(new RewardInput("", completion, "5")), description);
        assertTrue(score == 0.0 || score == 1.0, description);
    }

    @Test
    void shouldNeverThrowOnGarbage() {
        String alphabet = "*=:-$%.,/()[]{}\\ \n0123456789Aanswerfil";
        Random random = new Random(11);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder completion = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
                completion.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Optional<String> answer = FlexibleAnswerExtractor.extract(completion.toString());
            assertTrue(answer.isEmpty() || !answer.get().isBlank(), completion::toString);
        }
    }

    private static Optional<String> expectation(String expected) {
        return NONE.equals(expected) ? Optional.empty() : Optional.of(expected);
    }
}
