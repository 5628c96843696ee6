package dev.aha.runtime.reward;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One answer that is not a structure, as {@link MathEquivalence} compares it: by exact value when it is a number
 * (fractions however typeset, mixed numbers, currencies, units with powers, rates, thousands grouped by spaces), with
 * the percent rule; else as LaTeX text without spacing.
 */
final class ScalarAnswer {
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
    /** A leading {@code x =} or {@code x \in}, which the answer does not need. */
    static final Pattern PREFIX = Pattern.compile("^[A-Za-z]\\s*(?:=|\\\\in\\b|∈)\\s*");
    private static final Pattern PERCENT = Pattern.compile("%|per\\s?cent\\b", Pattern.CASE_INSENSITIVE);
    /** A brace group of one character carries nothing: {@code \sqrt{3}} is {@code \sqrt3}; {@code \{} is a set. */
    private static final Pattern SINGLE_BRACED = Pattern.compile("(?<!\\\\)\\{([^{}\\\\])}");
    private static final Pattern FRAC_VARIANT = Pattern.compile("\\\\[dt]frac");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern WORDS_ONLY = Pattern.compile("[\\p{L}\\s]+");

    private ScalarAnswer() {
    }

    /** Two single answers: by value (with the percent rule) when both are numbers, else as LaTeX text. */
    static boolean equal(String a, String b) {
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

    /** Whether {@code s} reads as one number, a fraction or a mixed number. */
    static boolean isNumber(String s) {
        return value(rewrite(s)).isPresent();
    }

    /** The percent rule, for two numbers of different value: one percent, read as its fraction, equals the other. */
    static boolean percentEqual(String a, Rational va, String b, Rational vb) {
        boolean pa = PERCENT.matcher(a).find();
        boolean pb = PERCENT.matcher(b).find();
        if (pa == pb) {
            return false;
        }
        return pa ? fraction(va).equals(vb) : fraction(vb).equals(va);
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
}
