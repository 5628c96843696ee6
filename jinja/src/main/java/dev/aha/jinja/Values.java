package dev.aha.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the caller's context into the interpreter's value model: integers become {@code Long}, floats
 * {@code Double}, maps keep their order, collections become lists. Done once per render so the interpreter
 * never meets an {@code Integer} or a mutable caller list.
 */
final class Values {

    private Values() {}

    static Object fromJava(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof BigInteger b) {
            if (b.bitLength() >= 64) {
                throw new IllegalArgumentException(path + ": integer " + b + " does not fit in 64 bits");
            }
            return b.longValue();
        }
        if (value instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object key = fromJava(e.getKey(), path);
                out.put(key, fromJava(e.getValue(), path + "." + e.getKey()));
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            int i = 0;
            for (Object item : items) {
                out.add(fromJava(item, path + "[" + i++ + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Object[] array) {
            return fromJava(List.of(array), path);
        }
        throw new IllegalArgumentException(path + ": a template value must be a map, list, string, number, boolean "
                + "or null, not " + value.getClass().getName());
    }
}
