package dev.aha.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables visible at one point of a render. Jinja2's rules: {@code set} writes to the innermost scope; each
 * iteration of a {@code for} body and each macro call get a fresh child scope, so assignments there do not
 * outlive the iteration or call ({@code namespace} objects are how templates carry state out).
 */
final class Scope {

    private final Scope parent;
    private final Map<String, Object> variables;

    private Scope(Scope parent, Map<String, Object> variables) {
        this.parent = parent;
        this.variables = variables;
    }

    static Scope root(Map<String, Object> variables) {
        return new Scope(null, new HashMap<>(variables));
    }

    Scope child() {
        return new Scope(this, new HashMap<>());
    }

    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.variables.containsKey(name)) {
                return s.variables.get(name);
            }
        }
        return Undefined.named(name);
    }

    void set(String name, Object value) {
        variables.put(name, value);
    }
}
