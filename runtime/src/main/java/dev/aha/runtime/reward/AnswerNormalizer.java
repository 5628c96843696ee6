package dev.aha.runtime.reward;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes two answers comparable. Numbers become an exact reduced fraction in a canonical text form, so "0.75",
 * "3/4" and "\frac{3}{4}" are one answer; a percent sign is dropped ("75%" is 75, as GSM8K writes percentages).
 * Anything else is compared as lower-case text with collapsed whitespace.
 *
 * <p>Stripped before parsing: surrounding {@code **bold**}, {@code \text{…}} and {@code \mathrm{…}} wrappers,
 * {@code $} and {@code \$}, a trailing full stop, thousands separators, {@code %}, and a trailing unit word
 * ("18 dollars", "12 cm"). A unicode minus counts as a minus. Exact rational arithmetic throughout: no float
 * rounding can make 0.1 + 0.2 differ from 0.3.
 */
public final class AnswerNormalizer {

    private static final Pattern WRAPPER = Pattern.compile("\\\\(?:text|mathrm|textbf|mbox)\\{([^{}]*)\\}");
    private static final Pattern FRAC = Pattern.compile("^\\\\d?frac\\{([^{}]+)\\}\\{([^{}]+)\\}$");
    private static final Pattern SHORT_FRAC = Pattern.compile("^\\\\d?frac(\\d)(\\d)$");
    private static final Pattern NUMBER = Pattern.compile("^[-+]?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?$|^[-+]?\\.\\d+$");
    private static final Pattern NUMBER_THEN_WORDS =
            Pattern.compile("^([-+]?[\\d,]*\\.?\\d+)\\s*(?:[a-zA-Z][a-zA-Z.]*\\s*)+$");
    private static final Pattern SLASH = Pattern.compile("^([-+]?[\\d,]*\\.?\\d+)\\s*/\\s*([-+]?[\\d,]*\\.?\\d+)$");

    private AnswerNormalizer() {}

    /** The canonical form, or empty for a blank answer. */
    public static Optional<String> normalize(String answer) {
        if (answer == null) {
            return Optional.empty();
        }
        String s = strip(answer);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<Fraction> number = parseNumber(s);
        if (number.isPresent()) {
            return Optional.of(number.get().toString());
        }
        return Optional.of(s.toLowerCase(Locale.ROOT).replaceAll("\\s+", " "));
    }

    /** True when both normalise to the same non-empty form. */
    public static boolean equivalent(String a, String b) {
        Optional<String> x = normalize(a);
        return x.isPresent() && x.equals(normalize(b));
    }

    private static String strip(String answer) {
        String s = answer.trim().replace('\u2212', '-').replace("\\!", "").replace("\\,", "").replace("\\ ", " ");
        String previous;
        do {
            previous = s;
            s = s.trim();
            if (s.startsWith("**") && s.endsWith("**") && s.length() >= 4) {
                s = s.substring(2, s.length() - 2);
            }
            Matcher w = WRAPPER.matcher(s);
            s = w.replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
            s = s.replace("\\$", "").replace("$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
            if (s.endsWith("\\%")) {
                s = s.substring(0, s.length() - 2);
            } else if (s.endsWith("%")) {
                s = s.substring(0, s.length() - 1);
            }
        } while (!s.equals(previous));
        return s.trim();
    }

    private static Optional<Fraction> parseNumber(String s) {
        Matcher frac = FRAC.matcher(s);
        if (frac.matches()) {
            return divide(plain(strip(frac.group(1))), plain(strip(frac.group(2))));
        }
        Matcher shortFrac = SHORT_FRAC.matcher(s);
        if (shortFrac.matches()) {
            return divide(plain(shortFrac.group(1)), plain(shortFrac.group(2)));
        }
        Matcher slash = SLASH.matcher(s);
        if (slash.matches()) {
            return divide(plain(slash.group(1)), plain(slash.group(2)));
        }
        Optional<Fraction> n = plain(s);
        if (n.isPresent()) {
            return n;
        }
        Matcher unit = NUMBER_THEN_WORDS.matcher(s);
        if (unit.matches()) {
            return plain(unit.group(1));
        }
        return Optional.empty();
    }

    private static Optional<Fraction> plain(String s) {
        if (!NUMBER.matcher(s).matches()) {
            return Optional.empty();
        }
        return Optional.of(Fraction.of(new BigDecimal(s.replace(",", ""))));
    }

    private static Optional<Fraction> divide(Optional<Fraction> a, Optional<Fraction> b) {
        if (a.isEmpty() || b.isEmpty() || b.get().isZero()) {
            return Optional.empty();
        }
        return Optional.of(a.get().divide(b.get()));
    }

    /** An exact reduced fraction p/q with q &gt; 0. */
    private record Fraction(BigInteger p, BigInteger q) {

        static Fraction of(BigDecimal d) {
            BigDecimal stripped = d.stripTrailingZeros();
            int scale = stripped.scale();
            if (scale <= 0) {
                return new Fraction(stripped.toBigIntegerExact(), BigInteger.ONE);
            }
            return reduce(stripped.unscaledValue(), BigInteger.TEN.pow(scale));
        }

        static Fraction reduce(BigInteger p, BigInteger q) {
            if (q.signum() < 0) {
                p = p.negate();
                q = q.negate();
            }
            BigInteger g = p.gcd(q);
            if (g.signum() == 0) {
                return new Fraction(BigInteger.ZERO, BigInteger.ONE);
            }
            return new Fraction(p.divide(g), q.divide(g));
        }

        boolean isZero() {
            return p.signum() == 0;
        }

        Fraction divide(Fraction other) {
            return reduce(p.multiply(other.q), q.multiply(other.p));
        }

        @Override
        public String toString() {
            return q.equals(BigInteger.ONE) ? p.toString() : p + "/" + q;
        }
    }
}
