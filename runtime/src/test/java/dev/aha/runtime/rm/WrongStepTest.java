package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** One number of a worked solution changed: a step's result or the answer, never an operand. */
class WrongStepTest {

    private static final String SOLUTION = "<think>3*4=12 7+12=19</think> <answer>19</answer>";
    private static final Pattern RESULT = Pattern.compile("(?:=|<answer>)(-?\\d+)");

    private static List<Long> results(String s) {
        List<Long> out = new ArrayList<>();
        Matcher m = RESULT.matcher(s);
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    @Test
    void shouldChangeExactlyOneResultOrTheAnswer() {
        Random rng = new Random(1);
        Set<Integer> changed = new HashSet<>();
        List<Long> right = results(SOLUTION);
        for (int i = 0; i < 100; i++) {
            String wrong = WrongStep.corrupt(SOLUTION, rng);
            assertEquals(SOLUTION.replaceAll("-?\\d+", "#"), wrong.replaceAll("-?\\d+", "#"), wrong);
            assertTrue(wrong.startsWith("<think>3*4=") && wrong.contains(" 7+12="), "operands kept: " + wrong);
            List<Long> got = results(wrong);
            int differing = 0;
            for (int k = 0; k < right.size(); k++) {
                if (!right.get(k).equals(got.get(k))) {
                    differing++;
                    changed.add(k);
                    long delta = Math.abs(got.get(k) - right.get(k));
                    assertTrue(delta >= 1 && delta <= 5, wrong);
                }
            }
            assertEquals(1, differing, wrong);
        }
        assertEquals(Set.of(0, 1, 2), changed, "every step and the answer get changed");
    }

    @Test
    void shouldRefuseASolutionWithNothingToChange() {
        assertThrows(IllegalArgumentException.class, () -> WrongStep.corrupt("no numbers here", new Random(1)));
    }
}
