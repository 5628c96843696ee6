package dev.aha.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Python's operators on template values: truthiness, {@code ==}, ordering, {@code in}, arithmetic. Integers are
 * {@code Long}, floats {@code Double}, and {@code bool} counts as an integer, as in Python.
 */
final class PyOps {

    private PyOps() {}

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    /** An int (or bool) as a long; {@code null} for anything else. */
    static Long asInt(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        return null;
    }

    private static double asDouble(Object v) {
        return v instanceof Double d ? d : asInt(v);
    }

    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Undefined || b instanceof Undefined) {
            return a instanceof Undefined && b instanceof Undefined;
        }
        if (isNumber(a) && isNumber(b)) {
            Long x = asInt(a);
            Long y = asInt(b);
            return x != null && y != null ? x.longValue() == y.longValue() : asDouble(a) == asDouble(b);
        }
        if (a instanceof String || b instanceof String) {
            return a.equals(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if ((a instanceof PyTuple) != (b instanceof PyTuple) || x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                Object other = Access.lookupKey(y, e.getKey());
                if (other == Access.NOT_FOUND || !equal(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** {@code a op b} for {@code < <= > >=}, with Python's type rules. */
    static boolean order(String op, Object a, Object b) {
        int c = compare(op, a, b);
        return switch (op) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    static int compare(String op, Object a, Object b) {
        failIfUndefined(a, b);
        if (isNumber(a) && isNumber(b)) {
            Long x = asInt(a);
            Long y = asInt(b);
            return x != null && y != null ? Long.compare(x, y) : Double.compare(asDouble(a), asDouble(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return compare(op, x.get(i), y.get(i));
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw new JinjaException("TypeError: '" + op + "' not supported between instances of '"
                + PyFormat.typeName(a) + "' and '" + PyFormat.typeName(b) + "'");
    }

    /** Python orders strings by code point, not by UTF-16 unit. */
    static int compareCodePoints(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int a = x.codePointAt(i);
            int b = y.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < x.length(), j < y.length());
    }

    /** {@code item in container}. */
    static boolean contains(Object container, Object item) {
        if (container instanceof String s) {
            if (!(item instanceof String sub)) {
                throw new JinjaException("TypeError: 'in <string>' requires string as left operand, not "
                        + PyFormat.typeName(item));
            }
            return s.contains(sub);
        }
        if (container instanceof List<?> l) {
            return l.stream().anyMatch(x -> equal(x, item));
        }
        if (container instanceof Map<?, ?> m) {
            return Access.lookupKey(m, item) != Access.NOT_FOUND;
        }
        if (container instanceof Undefined) {
            return false;
        }
        throw new JinjaException("TypeError: argument of type '" + PyFormat.typeName(container)
                + "' is not iterable");
    }

    /** Python's {@code iter(value)} as a list: a dict gives its keys, a string its characters. */
    @SuppressWarnings("unchecked")
    static List<Object> iterate(Object value) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        if (value instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (value instanceof String s) {
            return PyStrings.chars(s);
        }
        if (value instanceof Undefined) {
            return Collections.emptyList();
        }
        throw new JinjaException("TypeError: '" + PyFormat.typeName(value) + "' object is not iterable");
    }

    static long len(Object value) {
        if (value instanceof String s) {
            return PyStrings.length(s);
        }
        if (value instanceof List<?> l) {
            return l.size();
        }
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        if (value instanceof Undefined) {
            return 0;
        }
        throw new JinjaException("TypeError: object of type '" + PyFormat.typeName(value) + "' has no len()");
    }

    /** Arithmetic operators {@code + - * / // % **}. */
    static Object arithmetic(String op, Object a, Object b) {
        failIfUndefined(a, b);
        if (isNumber(a) && isNumber(b)) {
            Long x = asInt(a);
            Long y = asInt(b);
            return x != null && y != null ? integer(op, x, y) : floating(op, asDouble(a), asDouble(b));
        }
        switch (op) {
            case "+" -> {
                if (a instanceof String x && b instanceof String y) {
                    return x + y;
                }
                if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)) {
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
                if (asInt(b) != null && (a instanceof String || a instanceof List)) {
                    return repeat(a, asInt(b));
                }
                if (asInt(a) != null && (b instanceof String || b instanceof List)) {
                    return repeat(b, asInt(a));
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
        failIfUndefined(v, null);
        Long i = asInt(v);
        if (i != null) {
            return negative ? Math.negateExact(i) : i;
        }
        if (v instanceof Double d) {
            return negative ? -d : d;
        }
        throw new JinjaException("TypeError: bad operand type for unary " + (negative ? "-" : "+") + ": '"
                + PyFormat.typeName(v) + "'");
    }

    private static void failIfUndefined(Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
    }
}
