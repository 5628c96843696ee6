package dev.aha.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Python's arithmetic on template values: {@code + - * / // % **} and unary {@code - +}, with Python's results
 * (floor division and modulo toward negative infinity, an int power with a negative exponent a float, sequences
 * concatenated and repeated) and its errors; an int result that does not fit 64 bits is an OverflowError.
 */
final class PyArithmetic {

    private PyArithmetic() {}

    /** Arithmetic operators {@code + - * / // % **}: {@code a op b}. */
    static Object apply(String op, Object a, Object b) {
        PyOps.failIfUndefined(a, b);
        if (PyOps.isNumber(a) && PyOps.isNumber(b)) {
            Long x = PyOps.asInt(a);
            Long y = PyOps.asInt(b);
            return x != null && y != null ? integer(op, x, y) : floating(op, PyOps.asDouble(a), PyOps.asDouble(b));
        }
        switch (op) {
            case "+" -> {
                if (a instanceof String x && b instanceof String y) {
                    return x + y;
                }
                if (a instanceof List<?> x && b instanceof List<?> y
                        && (a instanceof PyTuple) == (b instanceof PyTuple)) {
                    List<Object> joined = new ArrayList<>(x);
                    joined.addAll(y);
                    return a instanceof PyTuple ? new PyTuple(joined) : Collections.unmodifiableList(joined);
                }
                if (a instanceof String || a instanceof List) {
                    throw new JinjaException("TypeError: can only concatenate " + PyFormat.typeName(a) + " (not \""
                            + PyFormat.typeName(b) + "\") to " + PyFormat.typeName(a));
                }
            }
            case "*" -> {
                if (PyOps.asInt(b) != null && (a instanceof String || a instanceof List)) {
                    return repeat(a, PyOps.asInt(b));
                }
                if (PyOps.asInt(a) != null && (b instanceof String || b instanceof List)) {
                    return repeat(b, PyOps.asInt(a));
                }
                if (a instanceof String || a instanceof List || b instanceof String || b instanceof List) {
                    throw new JinjaException("TypeError: can't multiply sequence by non-int of type '"
                            + PyFormat.typeName(a instanceof String || a instanceof List ? b : a) + "'");
                }
            }
            default -> { }
        }
        throw new JinjaException("TypeError: unsupported operand type(s) for " + op + ": '" + PyFormat.typeName(a)
                + "' and '" + PyFormat.typeName(b) + "'");
    }

    private static Object repeat(Object sequence, long times) {
        long size = sequence instanceof String s ? s.length() : ((List<?>) sequence).size();
        if (times > 0 && size * (double) times > Integer.MAX_VALUE) {
            throw new JinjaException("MemoryError: repeating a " + PyFormat.typeName(sequence) + " of length " + size
                    + " " + times + " times");
        }
        if (sequence instanceof String s) {
            return times <= 0 ? "" : s.repeat((int) times);
        }
        List<?> items = (List<?>) sequence;
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < times; i++) {
            out.addAll(items);
        }
        return sequence instanceof PyTuple ? new PyTuple(out) : Collections.unmodifiableList(out);
    }

    private static Object integer(String op, long x, long y) {
        try {
            return switch (op) {
                case "+" -> Math.addExact(x, y);
                case "-" -> Math.subtractExact(x, y);
                case "*" -> Math.multiplyExact(x, y);
                case "/" -> floating(op, x, y);
                case "//" -> Math.floorDiv(x, nonZero(y, "integer division or modulo by zero"));
                case "%" -> Math.floorMod(x, nonZero(y, "integer division or modulo by zero"));
                // a negative exponent makes a float; cast each arm or Java would promote the int to double
                case "**" -> y < 0 ? (Object) floating(op, x, y) : (Object) power(x, y);
                default -> throw new IllegalArgumentException(op);
            };
        } catch (ArithmeticException e) {
            throw new JinjaException("OverflowError: integer result of " + x + " " + op + " " + y
                    + " does not fit in 64 bits");
        }
    }

    /** Exponentiation by squaring; overflow surfaces as ArithmeticException. */
    private static long power(long base, long exponent) {
        long result = 1;
        long b = base;
        for (long e = exponent; e > 0; ) {
            if ((e & 1) == 1) {
                result = Math.multiplyExact(result, b);
            }
            e >>= 1;
            if (e > 0) {
                b = Math.multiplyExact(b, b);
            }
        }
        return result;
    }

    private static long nonZero(long y, String message) {
        if (y == 0) {
            throw new JinjaException("ZeroDivisionError: " + message);
        }
        return y;
    }

    private static double floating(String op, double x, double y) {
        if (y == 0 && ("/".equals(op) || "//".equals(op) || "%".equals(op))) {
            throw new JinjaException("ZeroDivisionError: " + ("/".equals(op) ? "division by zero"
                    : "float floor division by zero"));
        }
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> x / y;
            case "//" -> Math.floor(x / y);
            case "%" -> {
                double r = x % y;
                yield r != 0 && (r < 0) != (y < 0) ? r + y : r;
            }
            case "**" -> {
                if (x == 0 && y < 0) {
                    throw new JinjaException("ZeroDivisionError: 0.0 cannot be raised to a negative power");
                }
                yield Math.pow(x, y);
            }
            default -> throw new IllegalArgumentException(op);
        };
    }

    /** Unary {@code -} and {@code +}. */
    static Object negate(Object v, boolean negative) {
        PyOps.failIfUndefined(v, null);
        Long i = PyOps.asInt(v);
        if (i != null) {
            return negative ? Math.negateExact(i) : i;
        }
        if (v instanceof Double d) {
            return negative ? -d : d;
        }
        throw new JinjaException("TypeError: bad operand type for unary " + (negative ? "-" : "+") + ": '"
                + PyFormat.typeName(v) + "'");
    }
}
