package dev.aha.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Jinja2's built-in filters that chat templates use, with Jinja2 3.1's signatures and edge cases, and
 * transformers' {@code tojson} (Python's {@code json.dumps}, no HTML escaping).
 */
final class Filters {

    @FunctionalInterface
    interface FilterFunction {
        Object apply(Object value, Args args);
    }

    private static final Map<String, FilterFunction> FILTERS = new HashMap<>();

    static {
        text("lower", PyStrings::lower);
        text("upper", PyStrings::upper);
        text("capitalize", PyStrings::capitalize);
        text("title", PyStrings::jinjaTitle);
        text("string", s -> s);
        // without autoescape, Markup(value) is just its text
        text("safe", s -> s);
        text("escape", Filters::escape);
        text("e", Filters::escape);
        FILTERS.put("trim", (v, args) -> {
            Object chars = args.bind("trim", "chars").get(0, null);
            return PyStrings.strip(PyFormat.str(v), chars == null ? null : PyFormat.str(chars));
        });
        FILTERS.put("replace", (v, args) -> {
            Args.Bound a = args.bind("replace", "old", "new", "count");
            Object count = a.get(2, null);
            return PyStrings.replace(PyFormat.str(v), PyFormat.str(a.required(0)), PyFormat.str(a.required(1)),
                    count == null ? -1 : integer(count, "replace"));
        });
        FILTERS.put("length", (v, args) -> none(args, "length", PyOps.len(v)));
        FILTERS.put("count", (v, args) -> none(args, "count", PyOps.len(v)));
        FILTERS.put("list", (v, args) -> none(args, "list", Collections.unmodifiableList(new ArrayList<>(PyOps.iterate(v)))));
        FILTERS.put("first", (v, args) -> {
            List<Object> items = PyOps.iterate(none(args, "first", v));
            return items.isEmpty() ? Undefined.because("No first item, sequence was empty.") : items.get(0);
        });
        FILTERS.put("last", (v, args) -> {
            List<Object> items = PyOps.iterate(none(args, "last", v));
            return items.isEmpty() ? Undefined.because("No last item, sequence was empty.")
                    : items.get(items.size() - 1);
        });
        FILTERS.put("reverse", (v, args) -> {
            if (none(args, "reverse", v) instanceof String s) {
                return new StringBuilder(s).reverse().toString();
            }
            List<Object> items = new ArrayList<>(PyOps.iterate(v));
            Collections.reverse(items);
            return Collections.unmodifiableList(items);
        });
        FILTERS.put("join", (v, args) -> {
            Args.Bound a = args.bind("join", "d", "attribute");
            List<Object> items = mapAttribute(PyOps.iterate(v), a.get(1, null), null);
            String separator = PyFormat.str(a.get(0, ""));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < items.size(); i++) {
                out.append(i > 0 ? separator : "").append(PyFormat.str(items.get(i)));
            }
            return out.toString();
        });
        FILTERS.put("default", Filters::defaultValue);
        FILTERS.put("d", Filters::defaultValue);
        FILTERS.put("items", (v, args) -> {
            none(args, "items", v);
            if (v instanceof Undefined) {
                return List.of();
            }
            if (!(v instanceof Map<?, ?>)) {
                throw new JinjaException("TypeError: Can only get item pairs from a mapping.");
            }
            return Methods.call(v, "items", Args.NONE);
        });
        FILTERS.put("tojson", Json::dumps);
        FILTERS.put("int", Filters::toInt);
        FILTERS.put("float", (v, args) -> {
            Object fallback = args.bind("float", "default").get(0, 0.0);
            Double d = toDouble(v);
            return d == null ? fallback : d;
        });
        FILTERS.put("abs", (v, args) -> {
            none(args, "abs", v);
            if (v instanceof Double d) {
                return Math.abs(d);
            }
            Long i = PyOps.asInt(v);
            if (i == null) {
                throw new JinjaException("TypeError: bad operand type for abs(): '" + PyFormat.typeName(v) + "'");
            }
            return Math.abs(i);
        });
        FILTERS.put("round", Filters::round);
        FILTERS.put("indent", Filters::indent);
        FILTERS.put("sum", (v, args) -> {
            Args.Bound a = args.bind("sum", "attribute", "start");
            Object total = a.get(1, 0L);
            for (Object item : mapAttribute(PyOps.iterate(v), a.get(0, null), null)) {
                total = PyOps.arithmetic("+", total, item);
            }
            return total;
        });
        FILTERS.put("sort", Filters::sort);
        FILTERS.put("unique", Filters::unique);
        FILTERS.put("map", Filters::map);
        FILTERS.put("select", (v, args) -> select(v, args, false, false));
        FILTERS.put("reject", (v, args) -> select(v, args, true, false));
        FILTERS.put("selectattr", (v, args) -> select(v, args, false, true));
        FILTERS.put("rejectattr", (v, args) -> select(v, args, true, true));
    }

    private Filters() {}

    /** The filter of that name, or {@code null}. */
    static FilterFunction lookup(String name) {
        return FILTERS.get(name);
    }

    private static void text(String name, UnaryOperator<String> f) {
        FILTERS.put(name, (v, args) -> f.apply(PyFormat.str(none(args, name, v))));
    }

    /** Checks a filter that takes no arguments got none; returns the value. */
    private static <T> T none(Args args, String name, T value) {
        args.bind(name);
        return value;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
                .replace("'", "&#39;");
    }

    private static Object defaultValue(Object v, Args args) {
        Args.Bound a = args.bind("default", "default_value", "boolean");
        boolean replaceFalsy = PyOps.truthy(a.get(1, false));
        return v instanceof Undefined || replaceFalsy && !PyOps.truthy(v) ? a.get(0, "") : v;
    }

    private static long integer(Object v, String callee) {
        Long i = PyOps.asInt(v);
        if (i == null) {
            throw new JinjaException("TypeError: " + callee + "() expected an int, not " + PyFormat.typeName(v));
        }
        return i;
    }

    /** Jinja's {@code int(default=0, base=10)}: Python's {@code int()}, then {@code int(float())}, else default. */
    private static Object toInt(Object v, Args args) {
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

    /** {@code round(precision=0, method='common')}: 'common' is Python's round (half to even, exact value). */
    private static Object round(Object v, Args args) {
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

    /** Jinja's {@code indent(width=4, first=False, blank=False)}. */
    private static Object indent(Object v, Args args) {
        Args.Bound a = args.bind("indent", "width", "first", "blank");
        Object width = a.get(0, 4L);
        String indention = width instanceof String s ? s : " ".repeat((int) Math.max(0, integer(width, "indent")));
        List<Object> lines = PyStrings.splitlines(PyFormat.str(v) + "\n", false);
        StringBuilder out = new StringBuilder();
        boolean blank = PyOps.truthy(a.get(2, false));
        for (int i = 0; i < lines.size(); i++) {
            String line = (String) lines.get(i);
            if (i > 0) {
                out.append('\n');
                if (blank || !line.isEmpty()) {
                    out.append(indention);
                }
            }
            out.append(line);
        }
        return PyOps.truthy(a.get(1, false)) ? indention + out : out.toString();
    }

    private static Object sort(Object v, Args args) {
        Args.Bound a = args.bind("sort", "reverse", "case_sensitive", "attribute");
        List<Object> items = new ArrayList<>(PyOps.iterate(v));
        Comparator<Object> order = keyOrder(PyOps.truthy(a.get(1, false)), a.get(2, null));
        items.sort(PyOps.truthy(a.get(0, false)) ? order.reversed() : order);
        return Collections.unmodifiableList(items);
    }

    private static Object unique(Object v, Args args) {
        Args.Bound a = args.bind("unique", "case_sensitive", "attribute");
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        boolean caseSensitive = PyOps.truthy(a.get(0, false));
        for (Object item : PyOps.iterate(v)) {
            Object key = sortKey(attributeOf(item, a.get(1, null)), caseSensitive);
            if (seen.stream().noneMatch(k -> PyOps.equal(k, key))) {
                seen.add(key);
                out.add(item);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static Comparator<Object> keyOrder(boolean caseSensitive, Object attribute) {
        return (x, y) -> PyOps.compare("<", sortKey(attributeOf(x, attribute), caseSensitive),
                sortKey(attributeOf(y, attribute), caseSensitive));
    }

    private static Object sortKey(Object value, boolean caseSensitive) {
        return !caseSensitive && value instanceof String s ? PyStrings.lower(s) : value;
    }

    /** Jinja's attribute getter: {@code "a.b.0"} reads item by item; {@code null} means the value itself. */
    private static Object attributeOf(Object item, Object attribute) {
        if (attribute == null) {
            return item;
        }
        Object value = item;
        for (String part : PyFormat.str(attribute).split("\\.", -1)) {
            Object key = part.matches("\\d+") ? (Object) Long.parseLong(part) : part;
            value = Access.item(value, key);
        }
        return value;
    }

    private static List<Object> mapAttribute(List<Object> items, Object attribute, Object fallback) {
        if (attribute == null) {
            return items;
        }
        List<Object> out = new ArrayList<>(items.size());
        for (Object item : items) {
            Object value = attributeOf(item, attribute);
            out.add(value instanceof Undefined && fallback != null ? fallback : value);
        }
        return out;
    }

    /** {@code map(attribute='x', default=None)} or {@code map('filter', *args, **kwargs)}. */
    private static Object map(Object v, Args args) {
        List<Object> items = PyOps.iterate(v);
        if (args.positional().isEmpty() && args.keyword().containsKey("attribute")) {
            Args.Bound a = args.bind("map", "attribute", "default");
            return Collections.unmodifiableList(mapAttribute(items, a.required(0), a.get(1, null)));
        }
        if (args.positional().isEmpty()) {
            throw new JinjaException("map requires a filter argument");
        }
        String name = PyFormat.str(args.positional().get(0));
        FilterFunction f = lookup(name);
        if (f == null) {
            throw new JinjaException("No filter named " + PyFormat.repr(name) + ".");
        }
        Args rest = new Args(args.positional().subList(1, args.positional().size()), args.keyword());
        List<Object> out = new ArrayList<>(items.size());
        for (Object item : items) {
            out.add(f.apply(item, rest));
        }
        return Collections.unmodifiableList(out);
    }

    /** select/reject(test, *args) and selectattr/rejectattr(attribute, test, *args). */
    private static Object select(Object v, Args args, boolean reject, boolean byAttribute) {
        List<Object> a = args.positional();
        int at = 0;
        Object attribute = null;
        if (byAttribute) {
            if (a.isEmpty()) {
                throw new JinjaException("TypeError: Missing parameter for attribute name");
            }
            attribute = a.get(at++);
        }
        Tests.TestFunction test = null;
        Args testArgs = Args.NONE;
        if (a.size() > at) {
            String name = PyFormat.str(a.get(at));
            test = Tests.lookup(name);
            if (test == null) {
                throw new JinjaException("No test named " + PyFormat.repr(name) + ".");
            }
            testArgs = new Args(a.subList(at + 1, a.size()), args.keyword());
        }
        List<Object> out = new ArrayList<>();
        for (Object item : PyOps.iterate(v)) {
            Object subject = attributeOf(item, attribute);
            boolean passed = test == null ? PyOps.truthy(subject) : test.test(subject, testArgs);
            if (passed != reject) {
                out.add(item);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
