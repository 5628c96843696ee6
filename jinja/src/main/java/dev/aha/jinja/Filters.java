package dev.aha.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Jinja2's built-in filters that chat templates use, with Jinja2 3.1's signatures and edge cases, and
 * transformers' {@code tojson} (Python's {@code json.dumps}, no HTML escaping): every filter by name, and the text and
 * mapping ones; {@link NumberFilters} and {@link SequenceFilters} have the others.
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
                    count == null ? -1 : NumberFilters.integer(count, "replace"));
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
        FILTERS.put("join", SequenceFilters::join);
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
        FILTERS.put("int", NumberFilters::toInt);
        FILTERS.put("float", NumberFilters::toFloat);
        FILTERS.put("abs", NumberFilters::abs);
        FILTERS.put("round", NumberFilters::round);
        FILTERS.put("indent", Filters::indent);
        FILTERS.put("sum", SequenceFilters::sum);
        FILTERS.put("sort", SequenceFilters::sort);
        FILTERS.put("unique", SequenceFilters::unique);
        FILTERS.put("map", SequenceFilters::map);
        FILTERS.put("select", (v, args) -> SequenceFilters.select(v, args, false, false));
        FILTERS.put("reject", (v, args) -> SequenceFilters.select(v, args, true, false));
        FILTERS.put("selectattr", (v, args) -> SequenceFilters.select(v, args, false, true));
        FILTERS.put("rejectattr", (v, args) -> SequenceFilters.select(v, args, true, true));
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

    /** Jinja's {@code indent(width=4, first=False, blank=False)}. */
    private static Object indent(Object v, Args args) {
        Args.Bound a = args.bind("indent", "width", "first", "blank");
        Object width = a.get(0, 4L);
        String indention = width instanceof String s ? s
                : " ".repeat((int) Math.max(0, NumberFilters.integer(width, "indent")));
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
}
