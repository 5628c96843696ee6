package dev.aha.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Jinja2's filters over sequences: {@code join}, {@code sum}, {@code sort}, {@code unique}, {@code map} and the
 * {@code select} family, with Jinja's dotted attribute getter ({@code "a.b.0"}).
 */
final class SequenceFilters {

    private SequenceFilters() {}

    /** {@code join(d='', attribute=None)}. */
    static Object join(Object v, Args args) {
        Args.Bound a = args.bind("join", "d", "attribute");
        List<Object> items = mapAttribute(PyOps.iterate(v), a.get(1, null), null);
        String separator = PyFormat.str(a.get(0, ""));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            out.append(i > 0 ? separator : "").append(PyFormat.str(items.get(i)));
        }
        return out.toString();
    }

    /** {@code sum(attribute=None, start=0)}. */
    static Object sum(Object v, Args args) {
        Args.Bound a = args.bind("sum", "attribute", "start");
        Object total = a.get(1, 0L);
        for (Object item : mapAttribute(PyOps.iterate(v), a.get(0, null), null)) {
            total = PyArithmetic.apply("+", total, item);
        }
        return total;
    }

    static Object sort(Object v, Args args) {
        Args.Bound a = args.bind("sort", "reverse", "case_sensitive", "attribute");
        List<Object> items = new ArrayList<>(PyOps.iterate(v));
        Comparator<Object> order = keyOrder(PyOps.truthy(a.get(1, false)), a.get(2, null));
        items.sort(PyOps.truthy(a.get(0, false)) ? order.reversed() : order);
        return Collections.unmodifiableList(items);
    }

    static Object unique(Object v, Args args) {
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
    static Object map(Object v, Args args) {
        List<Object> items = PyOps.iterate(v);
        if (args.positional().isEmpty() && args.keyword().containsKey("attribute")) {
            Args.Bound a = args.bind("map", "attribute", "default");
            return Collections.unmodifiableList(mapAttribute(items, a.required(0), a.get(1, null)));
        }
        if (args.positional().isEmpty()) {
            throw new JinjaException("map requires a filter argument");
        }
        String name = PyFormat.str(args.positional().get(0));
        Filters.FilterFunction f = Filters.lookup(name);
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
    static Object select(Object v, Args args, boolean reject, boolean byAttribute) {
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
