package dev.aha.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code obj.name} and {@code obj[key]} with Jinja2's sandboxed rules. Dot access tries the attribute (a method
 * such as {@code items}) before the key; subscript tries the key before the attribute. A miss is an
 * {@link Undefined} that remembers why; only reading through an undefined value fails.
 */
final class Access {

    /** Returned by {@link #lookupKey} when a dict has no such key (a key may map to {@code null}). */
    static final Object NOT_FOUND = new Object();

    /** Methods of dict that the immutable sandbox refuses to expose, whatever keys the dict has. */
    private static final Set<String> UNSAFE_DICT_METHODS = Set.of("clear", "pop", "popitem", "setdefault", "update");

    private Access() {}

    static Object attribute(Object target, String name) {
        if (target instanceof Undefined u) {
            throw u.error();
        }
        if (target instanceof Map<?, ?> && UNSAFE_DICT_METHODS.contains(name)) {
            return Undefined.because("access to attribute '" + name + "' of 'dict' object is unsafe.");
        }
        if (Methods.has(target, name)) {
            return new Methods.Bound(target, name);
        }
        if (target instanceof Map<?, ?> m) {
            Object value = lookupKey(m, name);
            if (value != NOT_FOUND) {
                return value;
            }
        } else if (target instanceof Namespace ns && ns.has(name)) {
            return ns.get(name);
        } else if (target instanceof Loop loop) {
            Object value = loop.attribute(name);
            if (value != NOT_FOUND) {
                return value;
            }
        }
        return Undefined.missing(target, name);
    }

    static Object item(Object target, Object key) {
        if (target instanceof Undefined u) {
            throw u.error();
        }
        if (key instanceof PySlice slice) {
            return slice(target, slice);
        }
        if (target instanceof Map<?, ?> m) {
            Object value = lookupKey(m, key);
            if (value != NOT_FOUND) {
                return value;
            }
        } else if (target instanceof List<?> list && PyOps.asInt(key) != null) {
            long index = normalize(PyOps.asInt(key), list.size());
            if (index >= 0 && index < list.size()) {
                return list.get((int) index);
            }
        } else if (target instanceof String s && PyOps.asInt(key) != null) {
            int length = PyStrings.length(s);
            long index = normalize(PyOps.asInt(key), length);
            if (index >= 0 && index < length) {
                int at = s.offsetByCodePoints(0, (int) index);
                return new String(Character.toChars(s.codePointAt(at)));
            }
        }
        if (key instanceof String name) {
            return attribute(target, name);
        }
        return Undefined.missing(target, key);
    }

    private static long normalize(long index, int length) {
        return index < 0 ? index + length : index;
    }

    /** A dict lookup where, as in Python, {@code 1}, {@code 1.0} and {@code True} are the same key. */
    static Object lookupKey(Map<?, ?> map, Object key) {
        Object existing = existingKey(map, key);
        return map.containsKey(existing) ? map.get(existing) : NOT_FOUND;
    }

    /** The key of {@code map} that Python would consider equal to {@code key}, or {@code key} itself. */
    static Object existingKey(Map<?, ?> map, Object key) {
        if (PyOps.isNumber(key) && !map.containsKey(key)) {
            for (Object k : map.keySet()) {
                if (PyOps.isNumber(k) && PyOps.equal(k, key)) {
                    return k;
                }
            }
        }
        return key;
    }

    private static Object slice(Object target, PySlice slice) {
        if (target instanceof String s) {
            int[] cps = s.codePoints().toArray();
            StringBuilder out = new StringBuilder();
            for (int i : slice.indices(cps.length)) {
                out.appendCodePoint(cps[i]);
            }
            return out.toString();
        }
        if (target instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i : slice.indices(list.size())) {
                out.add(list.get(i));
            }
            return target instanceof PyTuple ? new PyTuple(out) : Collections.unmodifiableList(out);
        }
        return Undefined.missing(target, slice);
    }
}
