package dev.aha.runtime.reward;

import static org.junit.jupiter.api.Assertions.assertFalse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AnswerExtractorTest {
    private static final String NONE = "<none>";

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            <answer>18</answer>                               | 18
            <think>x</think><answer> 42 </answer>             | 42
            <answer>1</answer> then <answer>2</answer>        | 2
            <answer>a <answer>b</answer>                      | b
            <answer>a</answer> <answer>b                      | a
            <answer>The result is \\boxed{7}</answer>         | 7
            <answer>\\boxed{\\frac{3}{4}}</answer>            | \\frac{3}{4}
            \\boxed{5} and later <answer>6</answer>           | 6
            So the total is \\boxed{\\frac{3}{4}}.            | \\frac{3}{4}
            \\boxed{1} no wait \\boxed{2}                      | 2
            \\boxed{\\text{18 dollars}}                       | \\text{18 dollars}
            \\boxed{\\{1,2\\}}                                | \\{1,2\\}
            \\boxed{3} and \\boxed{4                           | 3
            \\boxed{ 12 }                                     | 12
            "#### 18"                                          | 18
            "#### 1,000"                                       | 1,000
            "#### -3"                                          | -3
            The answer is 42.                                 | 42
            the Answer is: 3.5.                               | 3.5
            THE FINAL ANSWER IS $18 dollars.                  | $18 dollars
            The answer is 4 but \\boxed{5}                     | 5
            <answer></answer> \\boxed{9}                      | 9
            <answer>\\boxed{}</answer>                        | <none>
            \\boxed{}                                         | <none>
            \\boxed{                                          | <none>
            }}}\\boxed{{{                                     | <none>
            <answer>unclosed                                  | <none>
            "#### Step 2: add the apples"                      | <none>
            no answer here                                    | <none>
            ""                                                | <none>
            """)
    void shouldExtractFinalAnswerFromOneLineCompletions(String completion, String expected) {
        assertEquals(expectation(expected), AnswerExtractor.extract(completion));
    }

    static Stream<Arguments> multiLine() {
        return Stream.of(
                Arguments.of("Janet sells 16 - 3 - 4 = 9 eggs.\n#### 18", "18"),
                Arguments.of("#### 3\nno, recount\n#### 4\n", "4"),
                Arguments.of("#### Step 1\ncompute things\n#### 5", "5"),
                Arguments.of("The answer is 12.\nWait, the answer is 13.", "13"),
                Arguments.of("so the answer is\n7", "7"),
                Arguments.of("<answer>\n  \\boxed{2} \n</answer>", "2"),
                Arguments.of("<think>\nlong\nthought\n</think>\n<answer>\n42\n</answer>\n", "42"),
                Arguments.of("The answer is 3.5. Let me double-check: yes.", "3.5"),
                Arguments.of("#### 18\n\\boxed{19}", "19"),
                Arguments.of("   \n\t ", NONE));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("multiLine")
    void shouldExtractFinalAnswerFromMultiLineCompletions(String completion, String expected) {
        assertEquals(expectation(expected), AnswerExtractor.extract(completion));
    }

    @Test
    void shouldReturnEmptyForNull() {
        assertTrue(AnswerExtractor.extract(null).isEmpty());
    }

    @Test
    void shouldHandleDeeplyNestedBoxesWithoutOverflow() {
        String deep = "\\boxed{" + "{".repeat(10_000) + "1" + "}".repeat(10_000) + "}";
        assertEquals(Optional.of("{".repeat(10_000) + "1" + "}".repeat(10_000)), AnswerExtractor.extract(deep));
    }

    private static Optional<String> expectation(String expected) {
        return NONE.equals(expected) ? Optional.empty() : Optional.of(expected);
    }

    @Test
    void theAnswerIsPreCheckFindsTheWordInAnyCaseAndOnlyThen() {
        assertTrue(AnswerExtractor.containsAsciiIgnoreCase("so The ANSWER is 4", "answer"));
        assertTrue(AnswerExtractor.containsAsciiIgnoreCase("aaanswer", "answer"));
        assertFalse(AnswerExtractor.containsAsciiIgnoreCase("answe", "answer"));
        assertFalse(AnswerExtractor.containsAsciiIgnoreCase("an swer", "answer"));
        assertEquals("4", AnswerExtractor.extract("The Final Answer Is 4.").orElseThrow());
    }
}
