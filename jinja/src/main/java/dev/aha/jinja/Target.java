package dev.aha.jinja;

import java.util.List;

/** The left side of {@code set} and the variables of {@code for}: a name, names to unpack, or {@code ns.attr}. */
interface Target {

    void assign(Scope scope, Object value);

    record Name(String name) implements Target {
        @Override
        public void assign(Scope scope, Object value) {
            scope.set(name, value);
        }
    }

    /** {@code for key, value in pairs}: unpacks any iterable of exactly {@code names.size()} items. */
    record Unpack(List<String> names) implements Target {
        @Override
        public void assign(Scope scope, Object value) {
            List<Object> items = PyOps.iterate(value);
            if (items.size() != names.size()) {
                throw new JinjaException(items.size() > names.size()
                        ? "ValueError: too many values to unpack (expected " + names.size() + ")"
                        : "ValueError: not enough values to unpack (expected " + names.size() + ", got " + items.size()
                                + ")");
            }
            for (int i = 0; i < names.size(); i++) {
                scope.set(names.get(i), items.get(i));
            }
        }
    }

    /** {@code set ns.attr = value}: writes through to the namespace object, wherever it was made. */
    record NamespaceAttribute(String namespace, String attribute) implements Target {
        @Override
        public void assign(Scope scope, Object value) {
            Object target = scope.lookup(namespace);
            if (!(target instanceof Namespace ns)) {
                throw new JinjaException("cannot assign attribute on non-namespace object ('" + namespace + "' is "
                        + (target instanceof Undefined ? "undefined" : "a " + PyFormat.typeName(target)) + ")");
            }
            ns.set(attribute, value);
        }
    }
}
