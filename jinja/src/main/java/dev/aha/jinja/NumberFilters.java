package dev.aha.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Jinja2's number filters ({@code int}, {@code float}, {@code abs}, {@code round}) with Python's parsing rules. */
final class NumberFilters {

    private NumberFilters() {}

    /** Jinja's {@code int(default=0, base=10)}: Python's {@code int()}, then {@code int(float())}, else default. */
    static Object toInt(Object v, Args args) {
        Args.Bound a = args.bind("int", "default", "base");
        Object fallback = a.get(0, 0L);
        if (v instanceof String s) {
            Long base = PyOps.asInt(a.get(1, 10L));
            Long parsed = base == null ? null : parseInt(s, base);
            if (parsed != null) {
                return parsed;
            }
        }
        Double d = v instanceof String ? toDouble(v) : v instanceof Double x ? x : null;
        if (d != null) {
            return d.isNaN() || d.isInfinite() ? fallback : (Object) (long) d.doubleValue();
        }
        Long i = PyOps.asInt(v);
        return i != null ? i : fallback;
    }

    /** {@code float(default=0.0)}: Python's {@code float()}, else the default. */
    static Object toFloat(Object v, Args args) {
        Object fallback = args.bind("float", "default").get(0, 0.0);
        Double d = toDouble(v);
        return d == null ? fallback : d;
    }

    /** {@code abs}: of an int an int, of a float a float. */
    static Object abs(Object v, Args args) {
        args.bind("abs");
        if (v instanceof Double d) {
            return Math.abs(d);
        }
        Long i = PyOps.asInt(v);
        if (i == null) {
            throw new JinjaException("TypeError: bad operand type for abs(): '" + PyFormat.typeName(v) + "'");
        }
        return Math.abs(i);
    }

    /** {@code round(precision=0, method='common')}: 'common' is Python's round (half to even, exact value). */
    static Object round(Object v, Args args) {
        Args.Bound a = args.bind("round", "precision", "method");
        int precision = (int) integer(a.get(0, 0L), "round");
        String method = PyFormat.str(a.get(1, "common"));
        RoundingMode mode = switch (method) {
            case "common" -> RoundingMode.HALF_EVEN;
            case "ceil" -> RoundingMode.CEILING;
            case "floor" -> RoundingMode.FLOOR;
            default -> throw new JinjaException("method must be common, ceil or floor");
        };
        if (!PyOps.isNumber(v)) {
            throw new JinjaException("TypeError: type " + PyFormat.typeName(v) + " doesn't define __round__ method");
        }
        if (v instanceof Double d) {
            return Double.isNaN(d) || Double.isInfinite(d) ? d : new BigDecimal(d).setScale(precision, mode).doubleValue();
        }
        // Python's round() keeps an int an int; Jinja's ceil and floor divide back to a float
        BigDecimal rounded = BigDecimal.valueOf(PyOps.asInt(v)).setScale(precision, mode);
        return mode == RoundingMode.HALF_EVEN ? (Object) rounded.longValue() : (Object) rounded.doubleValue();
    }

    static long integer(Object v, String callee) {
        Long i = PyOps.asInt(v);
        if (i == null) {
            throw new JinjaException("TypeError: " + callee + "() expected an int, not " + PyFormat.typeName(v));
        }
        return i;
    }

    /** Python's {@code int(text, base)}, base 0 meaning "from the prefix"; {@code null} where Python raises. */
    private static Long parseInt(String text, long base) {
        String digits = PyStrings.strip(text, null).replace("_", "");
        boolean negative = digits.startsWith("-");
        if (negative || digits.startsWith("+")) {
            digits = digits.substring(1);
        }
        long radix = base;
        String prefix = digits.length() > 1 ? digits.substring(0, 2).toLowerCase(Locale.ROOT) : "";
        long prefixed = prefix.equals("0x") ? 16 : prefix.equals("0o") ? 8 : prefix.equals("0b") ? 2 : 0;
        if (prefixed != 0 && (base == 0 || base == prefixed)) {
            digits = digits.substring(2);
            radix = prefixed;
        }
        if (radix == 0) {
            radix = 10;
        }
        if (radix < Character.MIN_RADIX || radix > Character.MAX_RADIX || digits.startsWith("-")
                || digits.startsWith("+")) {
            return null;
        }
        try {
            long value = Long.parseLong(digits, (int) radix);
            return negative ? -value : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Python's {@code float(v)}, or {@code null} where it raises. */
    private static Double toDouble(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (PyOps.asInt(v) != null) {
            return (double) PyOps.asInt(v);
        }
        if (v instanceof String s) {
            String t = PyStrings.strip(s, null).replace("_", "").toLowerCase();
            String unsigned = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
            if (unsigned.equals("inf") || unsigned.equals("infinity") || unsigned.equals("nan")) {
                double special = unsigned.equals("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
                return t.startsWith("-") ? -special : special;
            }
            if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
                return null;
            }
            return Double.parseDouble(t);
        }
        return null;
    }
}
