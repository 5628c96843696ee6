package dev.aha.runtime.reward;

import java.util.List;
import java.util.Optional;

/**
 * Whether two final answers are the same mathematical answer, judged as a math verifier judges it (Hugging Face's
 * math-verify is the reference for the behaviour), so that a right answer written another way still scores.
 *
 * <p>Everything {@link AnswerNormalizer} calls equal stays equal (numbers by exact value through thousands commas,
 * currency and unit words, {@code \text{}}, bold and math delimiters). On top of it:
 * <ul>
 *   <li>fractions however typeset: {@code \frac{1}{2}} = {@code \dfrac12} = {@code \tfrac1{2}} = {@code 1/2} =
 *       {@code 0.5}; a mixed number {@code 2\frac{1}{2}} = {@code 2.5} (never 21/2);</li>
 *   <li>currency signs {@code € £ ¥ ₹} like {@code $}, squared or cubed units ({@code 18 cm^2} is 18), rates
 *       ({@code 230 miles/train}, {@code $2/hour}), thousands grouped by spaces ({@code 118 000});</li>
 *   <li><b>percent</b>: when exactly one side carries a percent sign (or the word "percent"), it equals the other side
 *       read as written or as its fraction: {@code 50%} = {@code 50} (GSM8K's references drop the sign) and
 *       {@code 50%} = {@code 0.5}. Two bare numbers are never scaled by 100 ({@code 0.5} ≠ {@code 50}), and two
 *       percents compare as written ({@code 50%} ≠ {@code 0.5%});</li>
 *   <li>tuples and intervals, bracket-sensitive and in order: {@code (1, 2)} ≠ {@code (2, 1)},
 *       {@code [1, 2]} ≠ {@code [1, 2)}; {@code \infty}, {@code ∞} and {@code inf} are one value;</li>
 *   <li>sets, in any order, repeats ignored: {@code \{1, 2\}} = {@code \{2, 1\}} = {@code \{1, 1, 2\}}; a bare list
 *       of numbers ({@code 1, 2}: "all solutions") is such a set, but never a number with thousands commas, which wins
 *       ({@code 1,000} is 1000, {@code 1,2} is the list), nor a tuple; {@code \emptyset} = {@code \{\}};
 *       a union of intervals ({@code \cup}) is a set of intervals;</li>
 *   <li>a leading {@code x =} or {@code x \in} is dropped; other text compares as LaTeX without spacing
 *       ({@code \frac{\sqrt{3}}{2}} = {@code \dfrac{\sqrt3}2}), words case-insensitively as before.</li>
 * </ul>
 * What it does not do: algebra ({@code 2x} ≠ {@code x+x}), evaluating expressions ({@code \sqrt{4}} ≠ {@code 2}),
 * numeric tolerance ({@code 0.333} ≠ {@code 1/3}).
 *
 * <p>Never throws. Answers over 1,000 characters, structures nested more than four deep or with more than 32 items
 * are compared by {@link AnswerNormalizer} alone, which bounds the work on degenerate samples. Sets are matched item
 * by item, so two structures cost the product of their sizes: cheap against a dataset's reference (a number, a short
 * tuple or set), ~50 ms in the worst cases measured under the caps (sets of sets of sets, 5 or 3 items a level,
 * written in opposite orders).
 */
public final class MathEquivalence {
    private static final int MAX_LENGTH = 1_000;

    private MathEquivalence() {
    }

    /** Whether {@code answer} is the same mathematical answer as {@code reference}; false when either is blank. */
    public static boolean equivalent(String answer, String reference) {
        return equivalent(answer, reference, 0);
    }

    private static boolean equivalent(String a, String b, int depth) {
        if (a == null || b == null) {
            return false;
        }
        // Two plain numbers (most answers, right or wrong) are settled here: by value, as the normalizer compares
        // them, or by the percent rule; the one parse of each keeps the reward as cheap as the normalizer alone.
        Optional<Rational> va = AnswerNormalizer.value(a);
        Optional<Rational> vb = AnswerNormalizer.value(b);
        if (va.isPresent() && vb.isPresent()) {
            return va.get().equals(vb.get()) || ScalarAnswer.percentEqual(a, va.get(), b, vb.get());
        }
        if (AnswerNormalizer.equivalent(a, b)) {
            return true;
        }
        if (a.length() > MAX_LENGTH || b.length() > MAX_LENGTH || depth > AnswerForm.MAX_DEPTH) {
            return false;
        }
        return same(AnswerForm.of(a, depth), AnswerForm.of(b, depth), depth);
    }

    private static boolean same(AnswerForm x, AnswerForm y, int depth) {
        if (x instanceof AnswerForm.Scalar a && y instanceof AnswerForm.Scalar b) {
            return ScalarAnswer.equal(a.text(), b.text());
        }
        if (x instanceof AnswerForm.Sequence a && y instanceof AnswerForm.Sequence b) {
            if (a.open() != b.open() || a.close() != b.close() || a.items().size() != b.items().size()) {
                return false;
            }
            for (int i = 0; i < a.items().size(); i++) {
                if (!equivalent(a.items().get(i), b.items().get(i), depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        if (x instanceof AnswerForm.Group a && y instanceof AnswerForm.Group b && a.union() == b.union()) {
            return covers(a.items(), b.items(), depth) && covers(b.items(), a.items(), depth);
        }
        return false;
    }

    /** Whether every item of {@code these} has an equivalent among {@code those}. */
    private static boolean covers(List<String> these, List<String> those, int depth) {
        for (String item : these) {
            boolean found = false;
            for (int i = 0; i < those.size() && !found; i++) {
                found = equivalent(item, those.get(i), depth + 1);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
