package dev.aha.jinja;

/** Anything a template can call: globals such as {@code range}, macros, bound methods like {@code s.split}. */
interface JinjaCallable {

    Object call(Args args);

    /** The name used in error messages and in {@code repr}. */
    String name();
}
