package dev.aha.runtime.rejection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.aha.runtime.config.AhaConfig;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each per-line rule keeps exactly what its definition says, one row per case. */
class RejectionRulesTest {

    private static final String LOOP = "<think>" + "12-3=9 ".repeat(30) + "</think> <answer>9</answer>";

    static Stream<Arguments> rows() {
        RejectionRule correct = new RejectionRule.Correct();
        RejectionRule formed = new RejectionRule.WellFormed();
        RejectionRule language = new RejectionRule.LanguageConsistent(0.9);
        RejectionRule strictLanguage = new RejectionRule.LanguageConsistent(1.0);
        RejectionRule repetition = new RejectionRule.NotRepetitive(4, 0.5);
        RejectionRule length = new RejectionRule.LengthWithin(5, 100);
        RejectionRule unbounded = new RejectionRule.LengthWithin(1, 0);
        return Stream.of(
                Arguments.of("correct kept", correct, Samples.line("p", 0), true),
                Arguments.of("incorrect rejected", correct, Samples.line("p", 0).incorrect(), false),
                Arguments.of("well-formed kept", formed, Samples.line("p", 0), true),
                Arguments.of("malformed rejected", formed, Samples.line("p", 0).malformed(), false),
                Arguments.of("language at the bound kept", language, Samples.line("p", 0).language(0.9), true),
                Arguments.of("language below the bound rejected", language, Samples.line("p", 0).language(0.89), false),
                Arguments.of("strict: one foreign word rejected", strictLanguage,
                        Samples.line("p", 0).language(0.99), false),
                Arguments.of("strict: all in the target kept", strictLanguage, Samples.line("p", 0), true),
                Arguments.of("no repetition kept", repetition, Samples.line("p", 0), true),
                Arguments.of("a loop rejected", repetition, Samples.line("p", 0).completion(LOOP), false),
                Arguments.of("a loop without spaces rejected", repetition,
                        Samples.line("p", 0).completion("<think>" + "7+".repeat(40) + "</think>"), false),
                Arguments.of("short text has no 4-grams", repetition, Samples.line("p", 0).completion("9 9 9"), true),
                Arguments.of("length at the lower bound kept", length, Samples.line("p", 0).tokens(5), true),
                Arguments.of("length below rejected", length, Samples.line("p", 0).tokens(4), false),
                Arguments.of("length at the upper bound kept", length, Samples.line("p", 0).tokens(100), true),
                Arguments.of("length above rejected", length, Samples.line("p", 0).tokens(101), false),
                Arguments.of("max 0: no upper bound", unbounded, Samples.line("p", 0).tokens(1_000_000), true),
                Arguments.of("min 1: an empty completion rejected", unbounded,
                        Samples.line("p", 0).tokens(0).completion(""), false));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("rows")
    void keepsWhatTheRuleSays(String description, RejectionRule rule, Samples.Builder line, boolean kept) {
        assertEquals(kept, rule.keeps(line.build()), description);
    }

    @Test
    void theDefaultsAreReferenceConfsAndTheRulesAreCheckedInTheDocumentedOrder() {
        RejectionSettings s = RejectionSettings.fromConfig(AhaConfig.load().getConfig("aha.reject"));
        assertEquals(new RejectionSettings(1.0, 4, 0.5, 1, 0, 4, 1.0, 1), s);
        assertEquals(List.of("incorrect", "malformed", "language_mixing", "repetition", "length"),
                s.rules().stream().map(RejectionRule::reason).toList());
    }

    @Test
    void refusesBoundsOutsideTheirRange() {
        assertThrows(IllegalArgumentException.class, () -> new RejectionRule.LanguageConsistent(1.5));
        assertThrows(IllegalArgumentException.class, () -> new RejectionRule.NotRepetitive(0, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new RejectionRule.NotRepetitive(4, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new RejectionRule.LengthWithin(10, 5));
        assertThrows(IllegalArgumentException.class, () -> new RejectionSettings(1.0, 4, 0.2, 1, 0, -1, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RejectionSettings(1.0, 4, 0.2, 1, 0, 4, 1.1, 1));
    }
}
