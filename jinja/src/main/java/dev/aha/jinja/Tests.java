package dev.aha.jinja;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/** Jinja2's built-in tests ({@code x is defined}, {@code x is none}, {@code n is divisibleby 3}, ...). */
final class Tests {

    @FunctionalInterface
    interface TestFunction {
        boolean test(Object value, Args args);
    }

    private static final Map<String, TestFunction> TESTS = new HashMap<>();

    static {
        simple("defined", v -> !(v instanceof Undefined));
        simple("undefined", v -> v instanceof Undefined);
        simple("none", v -> v == null);
        simple("boolean", v -> v instanceof Boolean);
        simple("true", v -> Boolean.TRUE.equals(v));
        simple("false", v -> Boolean.FALSE.equals(v));
        simple("integer", v -> v instanceof Long);
        simple("float", v -> v instanceof Double);
        simple("number", PyOps::isNumber);
        simple("string", v -> v instanceof String);
        simple("mapping", v -> v instanceof Map);
        // Python can iterate (and, for sequences, index) an Undefined
        simple("iterable", v -> v instanceof List || v instanceof Map || v instanceof String || v instanceof Undefined);
        simple("sequence", v -> v instanceof List || v instanceof Map || v instanceof String || v instanceof Undefined);
        simple("callable", v -> v instanceof JinjaCallable);
        simple("escaped", v -> false);
        simple("lower", v -> (Boolean) Methods.call(PyFormat.str(v), "islower", Args.NONE));
        simple("upper", v -> (Boolean) Methods.call(PyFormat.str(v), "isupper", Args.NONE));
        simple("odd", v -> PyOps.equal(PyArithmetic.apply("%", v, 2L), 1L));
        simple("even", v -> PyOps.equal(PyArithmetic.apply("%", v, 2L), 0L));
        binary("divisibleby", (v, n) -> PyOps.equal(PyArithmetic.apply("%", v, n), 0L));
        binary("sameas", Tests::sameAs);
        binary("in", (v, seq) -> PyOps.contains(seq, v));
        for (String name : List.of("eq", "equalto", "==")) {
            binary(name, PyOps::equal);
        }
        for (String name : List.of("ne", "!=")) {
            binary(name, (a, b) -> !PyOps.equal(a, b));
        }
        for (String[] op : new String[][] {{"lt", "<"}, {"lessthan", "<"}, {"<", "<"}, {"le", "<="}, {"<=", "<="},
            {"gt", ">"}, {"greaterthan", ">"}, {">", ">"}, {"ge", ">="}, {">=", ">="}}) {
            binary(op[0], (a, b) -> PyOps.order(op[1], a, b));
        }
    }

    private Tests() {}

    /** The test of that name, or {@code null}. */
    static TestFunction lookup(String name) {
        return TESTS.get(name);
    }

    private static void simple(String name, Predicate<Object> test) {
        TESTS.put(name, (v, args) -> {
            args.bind(name);
            return test.test(v);
        });
    }

    private static void binary(String name, BiPredicate<Object, Object> test) {
        TESTS.put(name, (v, args) -> test.test(v, args.bind(name, "other").required(0)));
    }

    /** Python's {@code is}: one object for None and booleans; small ints and strings compare by value. */
    private static boolean sameAs(Object a, Object b) {
        if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) {
            return a == b || a != null && a.equals(b);
        }
        if (a instanceof Long || a instanceof String) {
            return a.getClass() == b.getClass() && a.equals(b);
        }
        return a == b;
    }
}
