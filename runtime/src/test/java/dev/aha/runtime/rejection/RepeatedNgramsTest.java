package dev.aha.runtime.rejection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.testing.TestData;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RepeatedNgramsTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("", 4, 0.0),
                Arguments.of("fewer words than n", 4, 0.0),
                Arguments.of("a b c d e f g", 4, 0.0),
                Arguments.of("a b c d a b c d", 4, 0.2),           // abcd bcda cdab dabc abcd: 4 distinct of 5
                Arguments.of("a a a a a a", 1, 5.0 / 6),           // 1 distinct of 6
                Arguments.of("x x x x x x x x x x x x", 4, 8.0 / 9),
                Arguments.of("1+1+1+1", 2, 4.0 / 6));              // 1 + 1 + 1 + 1: pairs "1 +" x3, "+ 1" x3
    }

    @ParameterizedTest(name = "[{index}] \"{0}\", n={1}")
    @MethodSource("rows")
    void isTheShareOfNgramsRepeatingAnEarlierOne(String text, int n, double expected) {
        assertEquals(expected, RepeatedNgrams.fraction(text, n), 1e-12);
    }

    @Test
    void splitsWordsFromSymbolsAndIdeographsApart() {
        assertEquals(List.of("<", "think", ">", "12", "-", "3", "=", "9", "Tom", "'", "s"),
                RepeatedNgrams.words("<think>12-3=9 Tom's"));
        assertEquals(List.of("我", "们", "abc", "देवनागरी"), RepeatedNgrams.words("我们abc देवनागरी"));
    }

    /**
     * The default bound (0.5 at n = 4, reference.conf) keeps natural reasoning: every GSM8K worked solution (train and
     * test, calculator annotations and all) scores below 0.4, as reference.conf says.
     */
    @Test
    void gsm8kSolutionsAreBelowTheDefaultBound() throws Exception {
        ObjectMapper json = new ObjectMapper();
        double worst = 0;
        int lines = 0;
        for (String file : List.of("train.jsonl", "test.jsonl")) {
            try (BufferedReader in = Files.newBufferedReader(TestData.gsm8k(file))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode node = json.readTree(line);
                    worst = Math.max(worst, RepeatedNgrams.fraction(node.get("answer").asText(), 4));
                    lines++;
                }
            }
        }
        assertEquals(8792, lines, "GSM8K's 7,473 + 1,319 solutions");
        assertTrue(worst < 0.4, "the most repetitive GSM8K solution: " + worst);
        assertTrue(worst > 0.3, "and the measure does see their repeated phrases: " + worst);
    }
}
