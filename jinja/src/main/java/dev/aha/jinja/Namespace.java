package dev.aha.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code namespace(a=1)} returns: the one mutable object a template has, so that {@code {% set ns.a = 2 %}}
 * inside a loop is seen after it (a plain {@code set} in a loop body is local to the iteration).
 */
final class Namespace {

    /** Keys are names, though Python lets {@code namespace({1: 2})} hold any key. */
    private final Map<Object, Object> attributes = new LinkedHashMap<>();

    Namespace(Map<?, ?> initial) {
        attributes.putAll(initial);
    }

    boolean has(String name) {
        return attributes.containsKey(name);
    }

    Object get(String name) {
        return attributes.get(name);
    }

    void set(String name, Object value) {
        attributes.put(name, value);
    }

    Map<Object, Object> attributes() {
        return attributes;
    }
}
