package dev.aha.runtime.reward;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exact rational number, so that {@code 3/4}, {@code 0.75} and {@code 6/8} compare equal without any
 * floating-point rounding. Always reduced, with a positive denominator.
 */
record Rational(BigInteger numerator, BigInteger denominator) {
    /** An unsigned decimal: {@code 12}, {@code 007}, {@code 1.50}, {@code .5}, {@code 3.} (thousands separators already removed). */
    private static final Pattern DECIMAL = Pattern.compile("(\\d+)(?:\\.(\\d*))?|\\.(\\d+)");
    private static final BigInteger TWO = BigInteger.valueOf(2);
    private static final BigInteger FIVE = BigInteger.valueOf(5);

    Rational {
        if (denominator.signum() == 0) {
            throw new IllegalArgumentException("denominator must not be zero");
        }
        if (denominator.signum() < 0) {
            numerator = numerator.negate();
            denominator = denominator.negate();
        }
        BigInteger gcd = numerator.gcd(denominator);
        if (!gcd.equals(BigInteger.ONE) && gcd.signum() != 0) {
            numerator = numerator.divide(gcd);
            denominator = denominator.divide(gcd);
        }
    }

    /** Parses an optionally signed decimal such as {@code -12.50}; empty for anything else. */
    static Optional<Rational> parseDecimal(String text) {
        String s = text.strip();
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1).strip();
        }
        Matcher m = DECIMAL.matcher(s);
        if (!m.matches()) {
            return Optional.empty();
        }
        String integerPart = m.group(3) != null ? "0" : m.group(1);
        String fractionPart = m.group(3) != null ? m.group(3) : (m.group(2) == null ? "" : m.group(2));
        BigInteger numerator = new BigInteger(integerPart + fractionPart);
        BigInteger denominator = BigInteger.TEN.pow(fractionPart.length());
        return Optional.of(new Rational(negative ? numerator.negate() : numerator, denominator));
    }

    /** Divides, or empty when {@code divisor} is zero. */
    Optional<Rational> divide(Rational divisor) {
        if (divisor.numerator.signum() == 0) {
            return Optional.empty();
        }
        return Optional.of(new Rational(numerator.multiply(divisor.denominator), denominator.multiply(divisor.numerator)));
    }

    /**
     * The canonical text: a plain decimal when the value has a terminating expansion ({@code 0.75}, {@code -5},
     * {@code 1000000}), otherwise the reduced fraction ({@code 1/3}). Equal values give equal strings.
     */
    String canonical() {
        if (!onlyFactorsTwoAndFive(denominator)) {
            return numerator + "/" + denominator;
        }
        // Exact because the denominator divides a power of ten.
        BigDecimal value = new BigDecimal(numerator).divide(new BigDecimal(denominator));
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    private static boolean onlyFactorsTwoAndFive(BigInteger n) {
        BigInteger rest = n;
        while (rest.mod(TWO).signum() == 0) {
            rest = rest.divide(TWO);
        }
        while (rest.mod(FIVE).signum() == 0) {
            rest = rest.divide(FIVE);
        }
        return rest.equals(BigInteger.ONE);
    }
}
