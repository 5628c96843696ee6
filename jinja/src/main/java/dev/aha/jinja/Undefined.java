package dev.aha.jinja;

/**
 * Jinja2's default {@code Undefined}: what a missing variable, key or attribute evaluates to. It is falsy, renders
 * as the empty string, iterates as empty and has length 0; reading an attribute or item of it, calling it, or
 * doing arithmetic with it fails with the reason it is undefined (Jinja's own wording).
 */
final class Undefined {

    private final String hint;

    private Undefined(String hint) {
        this.hint = hint;
    }

    static Undefined named(String name) {
        return new Undefined(PyFormat.repr(name) + " is undefined");
    }

    /** What {@code owner.name} or {@code owner[name]} gives when there is no such attribute or item. */
    static Undefined missing(Object owner, Object name) {
        String type = PyFormat.objectTypeRepr(owner);
        return new Undefined(name instanceof String
                ? PyFormat.repr(type) + " has no attribute " + PyFormat.repr(name)
                : type + " has no element " + PyFormat.repr(name));
    }

    static Undefined because(String hint) {
        return new Undefined(hint);
    }

    String hint() {
        return hint;
    }

    JinjaException error() {
        return new JinjaException(hint);
    }
}
