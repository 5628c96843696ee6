package dev.aha.runtime.rm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worked solution made wrong in one place, for preference pairs whose rejected side differs from the chosen in a
 * single number: the result of one step ({@code 3*4=13}), or the final answer. The steps after a wrong one are left
 * as they were, so the mistake is local and the rest reads as before.
 */
public final class WrongStep {

    /** A step's result ({@code =12}) or the answer ({@code <answer>12</answer>}). */
    private static final Pattern NUMBER = Pattern.compile("(?<=[=]|<answer>)-?\\d+");

    private WrongStep() {}

    /**
     * {@code solution} with one result or answer changed by 1 to 5 either way; the number to change is drawn from
     * {@code rng}.
     *
     * @throws IllegalArgumentException when the solution has no step result and no answer to change
     */
    public static String corrupt(String solution, Random rng) {
        Matcher m = NUMBER.matcher(solution);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("no step result or answer to change in: " + solution);
        }
        int[] span = spans.get(rng.nextInt(spans.size()));
        long value = Long.parseLong(solution.substring(span[0], span[1]));
        long delta = (1 + rng.nextInt(5)) * (rng.nextBoolean() ? 1 : -1);
        return solution.substring(0, span[0]) + (value + delta) + solution.substring(span[1]);
    }
}
