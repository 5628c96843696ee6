package dev.aha.runtime.agent;

import java.math.BigInteger;

/** An exact rational number in lowest terms, its denominator positive: the calculator's arithmetic. */
public record Fraction(BigInteger numerator, BigInteger denominator) {

    static final Fraction ZERO = new Fraction(BigInteger.ZERO, BigInteger.ONE);

    public Fraction {
        if (denominator.signum() == 0) {
            throw new ArithmeticException("division by zero");
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

    static Fraction of(BigInteger n) {
        return new Fraction(n, BigInteger.ONE);
    }

    /** A decimal literal such as {@code 12}, {@code 0.25} or {@code .5}, exactly. */
    static Fraction parseDecimal(String text) {
        int dot = text.indexOf('.');
        if (dot < 0) {
            return of(new BigInteger(text));
        }
        String digits = text.substring(0, dot) + text.substring(dot + 1);
        return new Fraction(new BigInteger(digits.isEmpty() ? "0" : digits),
                BigInteger.TEN.pow(text.length() - dot - 1));
    }

    Fraction plus(Fraction o) {
        return new Fraction(numerator.multiply(o.denominator).add(o.numerator.multiply(denominator)),
                denominator.multiply(o.denominator));
    }

    Fraction minus(Fraction o) {
        return plus(o.negate());
    }

    Fraction times(Fraction o) {
        return new Fraction(numerator.multiply(o.numerator), denominator.multiply(o.denominator));
    }

    Fraction dividedBy(Fraction o) {
        return new Fraction(numerator.multiply(o.denominator), denominator.multiply(o.numerator));
    }

    Fraction negate() {
        return new Fraction(numerator.negate(), denominator);
    }

    /** {@code 7}, {@code -3/4}: an integer when it is one. */
    @Override
    public String toString() {
        return denominator.equals(BigInteger.ONE) ? numerator.toString() : numerator + "/" + denominator;
    }
}
