package dev.aha.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An expression node; each kind evaluates itself with Python's semantics (see {@link PyOps}, {@link Access}). */
interface Expr {

    Object eval(Scope scope);

    record Const(Object value) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return value;
        }
    }

    record Var(String name) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return scope.lookup(name);
        }
    }

    record ListLiteral(List<Expr> items) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return Collections.unmodifiableList(evalAll(items, scope));
        }
    }

    record TupleLiteral(List<Expr> items) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return new PyTuple(evalAll(items, scope));
        }
    }

    record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr {
        @Override
        public Object eval(Scope scope) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                Object key = keys.get(i).eval(scope);
                if (key instanceof List && !(key instanceof PyTuple) || key instanceof Map || key instanceof Namespace) {
                    throw new JinjaException("TypeError: unhashable type: '" + PyFormat.typeName(key) + "'");
                }
                // 1, 1.0 and True are one key in Python: the first spelling stays, the last value wins
                map.put(Access.existingKey(map, key), values.get(i).eval(scope));
            }
            return Collections.unmodifiableMap(map);
        }
    }

    record Attribute(Expr target, String name) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return Access.attribute(target.eval(scope), name);
        }
    }

    record Item(Expr target, Expr key) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return Access.item(target.eval(scope), key.eval(scope));
        }
    }

    record Slice(Expr start, Expr stop, Expr step) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return new PySlice(bound(start, scope), bound(stop, scope), bound(step, scope));
        }

        private static Long bound(Expr e, Scope scope) {
            if (e == null) {
                return null;
            }
            Object v = e.eval(scope);
            if (v == null) {
                return null;
            }
            Long i = PyOps.asInt(v);
            if (i == null) {
                throw new JinjaException(
                        "TypeError: slice indices must be integers or None or have an __index__ method");
            }
            return i;
        }
    }

    record Call(Expr callee, CallArgs args) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return invoke(callee.eval(scope), args.eval(scope));
        }

        static Object invoke(Object callee, Args args) {
            if (callee instanceof JinjaCallable f) {
                return f.call(args);
            }
            if (callee instanceof Undefined u) {
                throw u.error();
            }
            throw new JinjaException("TypeError: '" + PyFormat.typeName(callee) + "' object is not callable");
        }
    }

    record Filter(Expr operand, FilterCall filter) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return filter.apply(operand.eval(scope), scope);
        }
    }

    record Test(Expr operand, String name, Tests.TestFunction test, CallArgs args) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return test.test(operand.eval(scope), args.eval(scope));
        }
    }

    record Not(Expr operand) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return !PyOps.truthy(operand.eval(scope));
        }
    }

    record Sign(boolean negative, Expr operand) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return PyArithmetic.negate(operand.eval(scope), negative);
        }
    }

    /** {@code and} / {@code or} return an operand, not a bool, as in Python. */
    record Logical(boolean and, Expr left, Expr right) implements Expr {
        @Override
        public Object eval(Scope scope) {
            Object l = left.eval(scope);
            return PyOps.truthy(l) == and ? right.eval(scope) : l;
        }
    }

    record Arithmetic(String op, Expr left, Expr right) implements Expr {
        @Override
        public Object eval(Scope scope) {
            return PyArithmetic.apply(op, left.eval(scope), right.eval(scope));
        }
    }

    /** {@code a ~ b ~ c}: the string forms joined; an undefined part is empty. */
    record Concat(List<Expr> parts) implements Expr {
        @Override
        public Object eval(Scope scope) {
            StringBuilder out = new StringBuilder();
            for (Expr part : parts) {
                out.append(PyFormat.str(part.eval(scope)));
            }
            return out.toString();
        }
    }

    /** A comparison chain, {@code a < b <= c} meaning {@code a < b and b <= c}. */
    record Compare(Expr first, List<String> ops, List<Expr> operands) implements Expr {
        @Override
        public Object eval(Scope scope) {
            Object left = first.eval(scope);
            for (int i = 0; i < ops.size(); i++) {
                Object right = operands.get(i).eval(scope);
                if (!compare(ops.get(i), left, right)) {
                    return false;
                }
                left = right;
            }
            return true;
        }

        private static boolean compare(String op, Object a, Object b) {
            return switch (op) {
                case "==" -> PyOps.equal(a, b);
                case "!=" -> !PyOps.equal(a, b);
                case "in" -> PyOps.contains(b, a);
                case "not in" -> !PyOps.contains(b, a);
                default -> PyOps.order(op, a, b);
            };
        }
    }

    /** {@code a if test else b}; without {@code else} a false test gives undefined. */
    record Conditional(Expr test, Expr then, Expr otherwise, int line) implements Expr {
        @Override
        public Object eval(Scope scope) {
            if (PyOps.truthy(test.eval(scope))) {
                return then.eval(scope);
            }
            return otherwise != null ? otherwise.eval(scope) : Undefined.because("the inline if-expression on line "
                    + line + " evaluated to false and no else section was defined.");
        }
    }

    /** Arguments as written at a call site: {@code f(a, b, *rest, key=value, **more)}. */
    record CallArgs(List<Expr> positional, List<String> names, List<Expr> values, Expr star, Expr starStar) {

        static final CallArgs NONE = new CallArgs(List.of(), List.of(), List.of(), null, null);

        Args eval(Scope scope) {
            if (this == NONE) {
                return Args.NONE;
            }
            List<Object> args = evalAll(positional, scope);
            if (star != null) {
                args.addAll(PyOps.iterate(star.eval(scope)));
            }
            Map<String, Object> keywords = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                keywords.put(names.get(i), values.get(i).eval(scope));
            }
            if (starStar != null) {
                Object more = starStar.eval(scope);
                if (!(more instanceof Map<?, ?> m)) {
                    throw new JinjaException("TypeError: argument after ** must be a mapping, not "
                            + PyFormat.typeName(more));
                }
                m.forEach((k, v) -> {
                    if (keywords.put(String.valueOf(k), v) != null) {
                        throw new JinjaException("TypeError: got multiple values for keyword argument '" + k + "'");
                    }
                });
            }
            return new Args(args, keywords);
        }
    }

    /** One {@code |name(args)} step, shared by filter expressions and {@code {% filter %}} blocks. */
    record FilterCall(String name, Filters.FilterFunction function, CallArgs args) {
        Object apply(Object value, Scope scope) {
            return function.apply(value, args.eval(scope));
        }
    }

    private static List<Object> evalAll(List<Expr> exprs, Scope scope) {
        List<Object> out = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            out.add(e.eval(scope));
        }
        return out;
    }
}
