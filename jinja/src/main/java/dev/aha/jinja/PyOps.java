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

    static double asDouble(Object v) {
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

    /** Using an undefined value in an operation raises the error it carries. */
    static void failIfUndefined(Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
    }
}
