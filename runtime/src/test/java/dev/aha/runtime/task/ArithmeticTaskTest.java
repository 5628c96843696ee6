package dev.aha.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.reward.AccuracyReward;
import dev.aha.runtime.reward.FormatReward;
import dev.aha.runtime.reward.RewardInput;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArithmeticTaskTest {

    private final ArithmeticTask task = new ArithmeticTask(ArithmeticSettings.defaults());

    @Test
    void shouldBeDeterministicPerSeedAndDifferAcrossSeeds() {
        PromptStream a = task.trainStream(1);
        PromptStream b = task.trainStream(1);
        PromptStream c = task.trainStream(2);
        StringBuilder sa = new StringBuilder();
        StringBuilder sc = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            TaskPrompt p = a.next();
            assertEquals(p, b.next());
            sa.append(p.question());
            sc.append(c.next().question());
        }
        assertNotEquals(sa.toString(), sc.toString());
    }

    @Test
    void shouldComputeAnswersWithPrecedenceAndSolutionsThatScoreFull() {
        ArithmeticTask hard = new ArithmeticTask(new ArithmeticSettings(2, 5, 2, "+-*", true));
        PromptStream s = hard.trainStream(3);
        for (int i = 0; i < 2000; i++) {
            TaskPrompt p = s.next();
            assertEquals(Long.toString(evaluate(p.question())), p.referenceAnswer(), p.question());
            RewardInput self = new RewardInput("", p.solution(), p.referenceAnswer());
            assertEquals(1.0, new AccuracyReward().score(self), p.solution());
            assertEquals(1.0, new FormatReward().score(self), p.solution());
        }
    }

    @Test
    void shouldKeepTheHeldOutSplitDisjointFromTraining() {
        List<TaskPrompt> held = task.heldOut(200);
        assertEquals(200, held.size());
        Set<String> heldQuestions = new HashSet<>();
        for (TaskPrompt p : held) {
            assertTrue(heldQuestions.add(p.question()), "duplicate held-out prompt " + p.question());
            assertTrue(ArithmeticTask.isHeldOut(p.question()));
        }
        PromptStream train = task.trainStream(7);
        for (int i = 0; i < 20_000; i++) {
            assertFalse(heldQuestions.contains(train.next().question()));
        }
        assertEquals(held, task.heldOut(200), "the split must not depend on anything but the settings");
    }

    @Test
    void shouldSayWhenTheHeldOutSplitIsTooSmall() {
        ArithmeticTask tiny = new ArithmeticTask(new ArithmeticSettings(2, 2, 1, "+", true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tiny.heldOut(200));
        assertTrue(e.getMessage().contains("fewer than 200"), e.getMessage());
    }

    @Test
    void shouldRedrawNegativeStepsWhenAsked() {
        ArithmeticTask positive = new ArithmeticTask(new ArithmeticSettings(2, 4, 1, "+-", false));
        PromptStream s = positive.trainStream(1);
        for (int i = 0; i < 1000; i++) {
            assertFalse(s.next().solution().contains("=-"));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1|3|1|+|minTerms must be at least 2, was 1",
        "3|2|1|+|maxTerms (2) must be >= minTerms (3)",
        "2|3|0|+|maxDigits must be in [1, 6], was 0",
        "2|3|1|/|operators must be a non-empty subset of \"+-*\", was \"/\"",
        "2|3|1|++|operators must not repeat, was \"++\"",
    })
    void shouldRejectBadSettingsPrecisely(int min, int max, int digits, String ops, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ArithmeticSettings(min, max, digits, ops, true));
        assertEquals(message, e.getMessage());
    }

    /** An independent evaluator: products folded as they are read, then a signed sum of the terms. */
    private static long evaluate(String expression) {
        java.util.List<Long> terms = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([+*-]?)").matcher(expression);
        long product = 1;
        boolean multiplying = false;
        char pending = '+';
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            product = multiplying ? product * n : n;
            String op = m.group(2);
            if (op.equals("*")) {
                multiplying = true;
                continue;
            }
            multiplying = false;
            terms.add(pending == '-' ? -product : product);
            if (!op.isEmpty()) {
                pending = op.charAt(0);
            }
        }
        return terms.stream().mapToLong(Long::longValue).sum();
    }
}
