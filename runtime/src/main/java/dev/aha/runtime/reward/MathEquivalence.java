package dev.aha.runtime.reward;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final int MAX_DEPTH = 4;
    private static final int MAX_ITEMS = 32;
    private static final BigInteger HUNDRED = BigInteger.valueOf(100);

    /** {@code \frac} with braceless single-token arguments: {@code \dfrac12}, {@code \frac1{2}}, {@code \tfrac{1}2}. */
    private static final Pattern FRAC_ANY = Pattern.compile(
            "\\\\[dt]?frac\\s*(\\{[^{}]*}|[^\\s{}\\\\])\\s*(\\{[^{}]*}|[^\\s{}\\\\])");
    private static final Pattern MIXED_NUMBER = Pattern.compile("([-+]?)(\\d+)\\s*\\\\frac\\{(\\d+)}\\{(\\d+)}");
    private static final Pattern CURRENCY = Pattern.compile("[€£¥₹]");
    /** A unit's exponent: {@code cm^2}, {@code m^{3}}, {@code m²}. */
    private static final Pattern UNIT_POWER = Pattern.compile("(?<=\\p{L})\\s*(?:\\^\\s*\\{?\\s*[23]\\s*}?|[²³])");
    /**
     * A rate's "per" part, which unit words cannot hold: after a unit ({@code 230 miles/train}, {@code 5 km/h}) or,
     * as a word of two letters or more, after a number ({@code $2/hour}); {@code 1/x} is no rate.
     */
    private static final Pattern PER_UNIT = Pattern.compile("(?:(?<=\\p{L})\\s*/\\s*\\p{L}+|\\s*/\\s*\\p{L}{2,})\\.?$");
    private static final String SPACES = "[ \u00A0\u2009\u202F]";
    /** Thousands grouped by spaces, as many languages write them: {@code 118 000}, {@code 1 250 000.5}. */
    private static final Pattern SPACE_GROUPED =
            Pattern.compile("[-+]?\\$?\\d{1,3}(?:" + SPACES + "\\d{3})+(?:\\.\\d+)?");
    private static final Pattern INFINITY = Pattern.compile("\\+?\\s*(?:\\\\infty|∞|\\binfinity\\b|\\binf\\b)");
    private static final Pattern PREFIX = Pattern.compile("^[A-Za-z]\\s*(?:=|\\\\in\\b|∈)\\s*");
    private static final Pattern EMPTY_SET = Pattern.compile("\\\\emptyset|\\\\varnothing|∅|\\\\\\{\\s*\\\\}|\\{\\s*}");
    private static final Pattern PERCENT = Pattern.compile("%|per\\s?cent\\b", Pattern.CASE_INSENSITIVE);
    /** A brace group of one character carries nothing: {@code \sqrt{3}} is {@code \sqrt3}; {@code \{} is a set. */
    private static final Pattern SINGLE_BRACED = Pattern.compile("(?<!\\\\)\\{([^{}\\\\])}");
    private static final Pattern FRAC_VARIANT = Pattern.compile("\\\\[dt]frac");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern WORDS_ONLY = Pattern.compile("[\\p{L}\\s]+");

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
            return va.get().equals(vb.get()) || percentEqual(a, va.get(), b, vb.get());
        }
        if (AnswerNormalizer.equivalent(a, b)) {
            return true;
        }
        if (a.length() > MAX_LENGTH || b.length() > MAX_LENGTH || depth > MAX_DEPTH) {
            return false;
        }
        return same(Form.of(a, depth), Form.of(b, depth), depth);
    }

    /** The percent rule, for two numbers of different value: one percent, read as its fraction, equals the other. */
    private static boolean percentEqual(String a, Rational va, String b, Rational vb) {
        boolean pa = PERCENT.matcher(a).find();
        boolean pb = PERCENT.matcher(b).find();
        if (pa == pb) {
            return false;
        }
        return pa ? fraction(va).equals(vb) : fraction(vb).equals(va);
    }

    private static boolean same(Form x, Form y, int depth) {
        if (x instanceof Scalar a && y instanceof Scalar b) {
            return scalarsEqual(a.text, b.text);
        }
        if (x instanceof Sequence a && y instanceof Sequence b) {
            if (a.open != b.open || a.close != b.close || a.items.size() != b.items.size()) {
                return false;
            }
            for (int i = 0; i < a.items.size(); i++) {
                if (!equivalent(a.items.get(i), b.items.get(i), depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        if (x instanceof Group a && y instanceof Group b && a.union == b.union) {
            return covers(a.items, b.items, depth) && covers(b.items, a.items, depth);
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

    /** Two single answers: by value (with the percent rule) when both are numbers, else as LaTeX text. */
    private static boolean scalarsEqual(String a, String b) {
        String x = rewrite(a);
        String y = rewrite(b);
        if (AnswerNormalizer.equivalent(x, y)) {
            return true;
        }
        Optional<Rational> vx = value(x);
        Optional<Rational> vy = value(y);
        if (vx.isPresent() && vy.isPresent()) {
            return vx.get().equals(vy.get()) || percentEqual(x, vx.get(), y, vy.get());
        }
        if (vx.isPresent() || vy.isPresent()) {
            return false;
        }
        Optional<String> tx = latexText(x);
        return tx.isPresent() && tx.equals(latexText(y));
    }

    /** The surface rewrites that {@link AnswerNormalizer} does not know, before it reads the answer. */
    private static String rewrite(String s) {
        // Markup first, so that a unit's exponent follows the unit: 18\mathrm{cm}^2 is 18 cm^2.
        String r = FRAC_ANY.matcher(AnswerNormalizer.stripMarkup(s)).replaceAll(m -> Matcher.quoteReplacement(
                "\\frac{" + unbraced(m.group(1)) + "}{" + unbraced(m.group(2)) + "}"));
        r = CURRENCY.matcher(r).replaceAll("");
        r = UNIT_POWER.matcher(r).replaceAll("");
        r = INFINITY.matcher(r).replaceAll(Matcher.quoteReplacement("\\infty"));
        return PREFIX.matcher(AnswerNormalizer.stripMarkup(r)).replaceFirst("");
    }

    private static String unbraced(String argument) {
        return argument.startsWith("{") ? argument.substring(1, argument.length() - 1) : argument;
    }

    /** The exact value of a number, a fraction or a mixed number. */
    private static Optional<Rational> value(String s) {
        Matcher mixed = MIXED_NUMBER.matcher(s.strip());
        if (mixed.matches()) {
            BigInteger denominator = new BigInteger(mixed.group(4));
            if (denominator.signum() == 0) {
                return Optional.empty();
            }
            BigInteger numerator = new BigInteger(mixed.group(2)).multiply(denominator).add(new BigInteger(mixed.group(3)));
            return Optional.of(new Rational("-".equals(mixed.group(1)) ? numerator.negate() : numerator, denominator));
        }
        Optional<Rational> plain = AnswerNormalizer.value(s);
        if (plain.isPresent()) {
            return plain;
        }
        String t = s.strip();
        if (SPACE_GROUPED.matcher(t).matches()) {
            return AnswerNormalizer.value(t.replaceAll(SPACES, ""));
        }
        Matcher per = PER_UNIT.matcher(t);
        return per.find() && per.start() > 0 ? AnswerNormalizer.value(t.substring(0, per.start())) : Optional.empty();
    }

    private static Rational fraction(Rational percent) {
        return new Rational(percent.numerator(), percent.denominator().multiply(HUNDRED));
    }

    /** Non-numeric text as compared: words as the normalizer has them, anything mathematical without spacing. */
    private static Optional<String> latexText(String s) {
        return AnswerNormalizer.normalize(s).map(t -> {
            if (WORDS_ONLY.matcher(t).matches()) {
                return t;
            }
            String compact = WHITESPACE.matcher(FRAC_VARIANT.matcher(t).replaceAll(
                    Matcher.quoteReplacement("\\frac"))).replaceAll("");
            return SINGLE_BRACED.matcher(compact).replaceAll("$1");
        });
    }

    /** An answer's shape: one value, an ordered bracketed sequence, or an unordered group (a set or a union). */
    private sealed interface Form permits Scalar, Sequence, Group {
        static Form of(String raw, int depth) {
            String s = PREFIX.matcher(AnswerNormalizer.stripMarkup(raw)).replaceFirst("").strip();
            if (EMPTY_SET.matcher(s).matches()) {
                return new Group(List.of(), false);
            }
            List<String> union = Brackets.splitTopLevel(s, true);
            if (union != null && union.size() > 1) {
                return union.size() > MAX_ITEMS ? new Scalar(s) : new Group(union, true);
            }
            Brackets.Enclosure enclosure = Brackets.enclosure(s);
            if (enclosure != null) {
                List<String> items = Brackets.splitTopLevel(enclosure.inside(), false);
                if (items == null || items.size() > MAX_ITEMS) {
                    return new Scalar(s);
                }
                // One item in brackets or a plain LaTeX group is that item: (5) is 5, (A) is A, {18} is 18,
                // ((1, 2)) is (1, 2); \{5\} stays a set.
                boolean grouping = enclosure.isSequence() || enclosure.open() == '{';
                if (items.size() == 1 && grouping && depth < MAX_DEPTH) {
                    return of(items.get(0), depth + 1);
                }
                if (enclosure.isSet()) {
                    return new Group(items.size() == 1 && items.get(0).isBlank() ? List.of() : items, false);
                }
                if (enclosure.isSequence()) {
                    return new Sequence(enclosure.open(), enclosure.close(), items);
                }
                return new Scalar(s);
            }
            List<String> list = Brackets.splitTopLevel(s, false);
            if (list != null && list.size() > 1 && list.size() <= MAX_ITEMS && value(rewrite(s)).isEmpty()
                    && list.stream().allMatch(item -> value(rewrite(item)).isPresent())) {
                return new Group(list, false);
            }
            return new Scalar(s);
        }
    }

    private record Scalar(String text) implements Form {
    }

    private record Sequence(char open, char close, List<String> items) implements Form {
    }

    /** @param union whether the items are the parts of a union of intervals rather than a set's elements */
    private record Group(List<String> items, boolean union) implements Form {
    }

    /** Bracket structure in one linear scan: {@code ( [ {} and {@code \{} open, {@code ) ] }} and {@code \}} close. */
    static final class Brackets {
        /** The set brackets {@code \{ \}} as one character each. */
        static final char SET = 'S';

        record Enclosure(char open, char close, String inside) {
            boolean isSet() {
                return (open == SET && close == SET) || (open == '{' && close == '}');
            }

            boolean isSequence() {
                return (open == '(' || open == '[') && (close == ')' || close == ']');
            }
        }

        private Brackets() {
        }

        /**
         * The brackets around the whole of {@code s}, when its first bracket closes at its very end; null otherwise
         * ({@code (1) + (2)} is not enclosed).
         */
        static Enclosure enclosure(String s) {
            char open = s.isEmpty() ? 0 : opening(s, 0);
            if (open == 0) {
                return null;
            }
            int depth = 0;
            for (int i = 0; i < s.length(); i++) {
                int width = s.charAt(i) == '\\' ? 2 : 1;
                if (opening(s, i) != 0) {
                    depth++;
                } else {
                    char close = closing(s, i);
                    if (close != 0 && --depth == 0) {
                        int innerStart = open == SET ? 2 : 1;
                        int end = i + width;
                        return end == s.length() && i >= innerStart
                                ? new Enclosure(open, close, s.substring(innerStart, i)) : null;
                    }
                }
                i += width - 1;
            }
            return null;
        }

        /**
         * {@code s} split at its top-level commas, or (with {@code atUnions}) at its top-level {@code \cup} and
         * {@code ∪}; null when its brackets do not balance.
         */
        static List<String> splitTopLevel(String s, boolean atUnions) {
            List<String> parts = new ArrayList<>();
            int depth = 0;
            int from = 0;
            for (int i = 0; i < s.length(); i++) {
                int width = s.charAt(i) == '\\' ? 2 : 1;
                if (opening(s, i) != 0) {
                    depth++;
                } else if (closing(s, i) != 0) {
                    if (--depth < 0) {
                        return null;
                    }
                } else if (depth == 0 && !atUnions && s.charAt(i) == ',') {
                    parts.add(s.substring(from, i));
                    from = i + 1;
                } else if (depth == 0 && atUnions && (s.charAt(i) == '∪' || s.startsWith("\\cup", i))) {
                    width = s.charAt(i) == '∪' ? 1 : 4;
                    parts.add(s.substring(from, i));
                    from = i + width;
                }
                i += width - 1;
            }
            if (depth != 0) {
                return null;
            }
            parts.add(s.substring(from));
            return parts;
        }

        private static char opening(String s, int i) {
            char c = s.charAt(i);
            if (c == '\\') {
                return i + 1 < s.length() && s.charAt(i + 1) == '{' ? SET : 0;
            }
            return c == '(' || c == '[' || c == '{' ? c : 0;
        }

        private static char closing(String s, int i) {
            char c = s.charAt(i);
            if (c == '\\') {
                return i + 1 < s.length() && s.charAt(i + 1) == '}' ? SET : 0;
            }
            return c == ')' || c == ']' || c == '}' ? c : 0;
        }
    }
}
