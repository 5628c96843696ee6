package dev.aha.runtime.reward;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings a final answer into a canonical form, so that two answers are equal exactly when their canonical forms are.
 *
 * <p>Numbers: the surface forms models and datasets use for the same value all map to one string, compared by exact
 * rational value ({@link Rational}): thousands separators ({@code 1,000,000}), currency and percent signs, LaTeX
 * ({@code \frac{3}{4}}, {@code \text{...}}, {@code \boxed{...}}, {@code $...$}), Markdown bold, a unicode minus,
 * leading zeros, trailing zeros ({@code 18.00}), a trailing sentence period, a leading {@code x =}, and trailing unit
 * words ({@code 18 dollars}, {@code 12 cm}). {@code 3/4} and {@code 0.75} both become {@code "0.75"}; {@code 2/6}
 * becomes {@code "1/3"}.
 *
 * <p>Anything else is compared as text: LaTeX and bold stripped, whitespace collapsed, lower-cased.
 *
 * <p>Never throws; empty only for a blank (or null) answer. Text over 1,000 characters is never read as a number.
 */
public final class AnswerNormalizer {
    /** An unsigned number: digits with proper thousands groups, or plain digits, optionally with a decimal part. */
    private static final String NUMBER = "(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d*)?|\\.\\d+)";
    private static final String SIGNED = "[-+]?\\s*" + NUMBER;
    /**
     * A number or a fraction of two, then optional unit words made of letters only. The units are one character class
     * on purpose: a repeated group recurses in java.util.regex and overflows the stack on long input.
     */
    private static final Pattern NUMERIC = Pattern.compile(
            "(" + SIGNED + ")(?:\\s*/\\s*(" + SIGNED + "))?(?:\\s*\\p{L}[\\p{L}\\s.'’-]*)?");
    /** Longer text is no number a task asks for; the cap also bounds the regex work on degenerate samples. */
    private static final int MAX_NUMERIC_LENGTH = 1_000;
    /** Enough for any real nesting ({@code $\boxed{\text{**18**}}$}); deeper wrappers are left in place. */
    private static final int MAX_UNWRAP_PASSES = 8;
    private static final Pattern FRAC = Pattern.compile(
            "\\\\[dt]?frac\\s*\\{\\s*(" + SIGNED + ")\\s*}\\s*\\{\\s*(" + SIGNED + ")\\s*}");
    /** Text wrappers whose content is the answer: {@code \text{18 dollars}} means {@code 18 dollars}. */
    private static final Pattern TEXT_WRAPPER = Pattern.compile("\\\\(?:text|textbf|textrm|mathrm|mathbf|mbox)\\s*\\{([^{}]*)}");
    private static final Pattern BOXED_WHOLE = Pattern.compile("\\\\boxed\\s*\\{(.*)}", Pattern.DOTALL);
    /** LaTeX spacing commands ({@code 1\,000}) and sizing commands carry no value. */
    private static final Pattern LATEX_NOISE = Pattern.compile("\\\\[,;:! ]|\\\\left|\\\\right|\\^\\s*\\{?\\\\circ}?");
    private static final Pattern VARIABLE_PREFIX = Pattern.compile("^[A-Za-z]\\s*=\\s*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private AnswerNormalizer() {
    }

    /** The canonical form of {@code answer}, or empty when there is nothing to compare. */
    public static Optional<String> normalize(String answer) {
        if (answer == null) {
            return Optional.empty();
        }
        String text = stripMarkup(answer);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> number = parseNumber(text).map(Rational::canonical);
        if (number.isPresent()) {
            return number;
        }
        String plain = WHITESPACE.matcher(text.replace("$", "")).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
        return plain.isEmpty() ? Optional.empty() : Optional.of(plain);
    }

    /** Whether two answers are the same after normalisation; false when either has no canonical form. */
    public static boolean equivalent(String a, String b) {
        Optional<String> left = normalize(a);
        return left.isPresent() && left.equals(normalize(b));
    }

    /**
     * The exact value of a numeric answer (units, signs and markup as {@link #normalize} reads them), or empty when it
     * is not one number. A percent sign is dropped here: what a percent equals is {@link MathEquivalence}'s rule.
     */
    static Optional<Rational> value(String answer) {
        return answer == null ? Optional.empty() : parseNumber(stripMarkup(answer));
    }

    /** Removes the markup that never changes what the answer is, repeating until nothing changes (or the pass cap). */
    static String stripMarkup(String answer) {
        String previous;
        String s = answer.strip();
        int passes = 0;
        do {
            previous = s;
            s = s.replace("**", "")
                    .replace('\u2212', '-')   // unicode minus sign, as typeset math writes it
                    .replace('\uFE63', '-')
                    .replace('\uFF0D', '-')
                    .replace("\\$", "$")
                    .replace("\\%", "%");
            s = TEXT_WRAPPER.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
            s = LATEX_NOISE.matcher(s).replaceAll("");
            s = withoutTrailingPeriods(unwrap(s).strip());
        } while (!s.equals(previous) && ++passes < MAX_UNWRAP_PASSES);
        return s;
    }

    /** A sentence's final period is punctuation, not part of the answer ({@code 18.} is 18). */
    private static String withoutTrailingPeriods(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '.' || Character.isWhitespace(s.charAt(end - 1)))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Peels one layer of whole-answer math delimiters or a whole-answer box. */
    private static String unwrap(String s) {
        if (s.length() >= 2 && s.startsWith("$") && s.endsWith("$") && s.indexOf('$', 1) == s.length() - 1) {
            return s.substring(1, s.length() - 1);
        }
        if (s.length() >= 4 && s.startsWith("$$") && s.endsWith("$$")) {
            return s.substring(2, s.length() - 2);
        }
        if ((s.startsWith("\\(") && s.endsWith("\\)")) || (s.startsWith("\\[") && s.endsWith("\\]"))) {
            return s.substring(2, s.length() - 2);
        }
        Matcher boxed = BOXED_WHOLE.matcher(s);
        if (boxed.matches() && balanced(boxed.group(1))) {
            return boxed.group(1);
        }
        return s;
    }

    private static boolean balanced(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    /** The exact value of a numeric answer, or empty when the text is not one number (with optional units). */
    private static Optional<Rational> parseNumber(String text) {
        if (text.length() > MAX_NUMERIC_LENGTH) {
            return Optional.empty();
        }
        String s = text.replace("$", "").replace("%", "").strip();
        // The leading space keeps a mixed number apart: 2\frac{1}{2} must not read as 21/2.
        s = FRAC.matcher(s).replaceAll(" $1/$2").strip();
        s = VARIABLE_PREFIX.matcher(s).replaceFirst("");
        Matcher m = NUMERIC.matcher(s);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<Rational> numerator = Rational.parseDecimal(m.group(1).replace(",", ""));
        if (m.group(2) == null) {
            return numerator;
        }
        Optional<Rational> denominator = Rational.parseDecimal(m.group(2).replace(",", ""));
        return numerator.flatMap(n -> denominator.flatMap(n::divide));
    }
}
