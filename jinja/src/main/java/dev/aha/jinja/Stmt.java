package dev.aha.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A statement node; rendering appends output and reports whether a loop should break or continue. */
interface Stmt {

    /** What a rendered statement asks of the enclosing loop. */
    enum Flow { NEXT, BREAK, CONTINUE }

    Flow render(Scope scope, StringBuilder out);

    /** The template line the statement starts on, for error messages. */
    int line();

    /** Renders statements in order, stopping at {@code break}/{@code continue}; errors get the failing line. */
    static Flow renderAll(List<Stmt> body, Scope scope, StringBuilder out) {
        for (Stmt s : body) {
            Flow flow;
            try {
                flow = s.render(scope, out);
            } catch (JinjaException e) {
                throw e.at(s.line());
            } catch (StackOverflowError e) {
                throw new JinjaException("recursion too deep (a macro calling itself without end?)", s.line(), e);
            }
            if (flow != Flow.NEXT) {
                return flow;
            }
        }
        return Flow.NEXT;
    }

    record Text(String text, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            out.append(text);
            return Flow.NEXT;
        }
    }

    record Print(Expr expr, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            out.append(PyFormat.str(expr.eval(scope)));
            return Flow.NEXT;
        }
    }

    /** {@code if}/{@code elif}/{@code else}: the first true test's body, else {@code otherwise}. */
    record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> otherwise, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            for (int i = 0; i < tests.size(); i++) {
                if (PyOps.truthy(tests.get(i).eval(scope))) {
                    return renderAll(bodies.get(i), scope, out);
                }
            }
            return renderAll(otherwise, scope, out);
        }
    }

    /**
     * {@code for target in iterable [if condition]}: each iteration runs in its own child scope holding the target
     * and {@code loop}; {@code otherwise} renders when no item passed the condition.
     */
    record For(Target target, Expr iterable, Expr condition, List<Stmt> body, List<Stmt> otherwise, int line)
            implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            List<Object> items = PyOps.iterate(iterable.eval(scope));
            if (condition != null) {
                List<Object> kept = new ArrayList<>();
                for (Object item : items) {
                    Scope probe = scope.child();
                    target.assign(probe, item);
                    if (PyOps.truthy(condition.eval(probe))) {
                        kept.add(item);
                    }
                }
                items = kept;
            }
            if (items.isEmpty()) {
                // the else block is outside this loop: a break there belongs to an enclosing loop
                return renderAll(otherwise, scope.child(), out);
            }
            Loop loop = new Loop(items);
            for (int i = 0; i < items.size(); i++) {
                Scope iteration = scope.child();
                loop.moveTo(i);
                iteration.set("loop", loop);
                target.assign(iteration, items.get(i));
                if (renderAll(body, iteration, out) == Flow.BREAK) {
                    break;
                }
            }
            return Flow.NEXT;
        }
    }

    record Assign(Target target, Expr value, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            target.assign(scope, value.eval(scope));
            return Flow.NEXT;
        }
    }

    /** {@code {% set x | filters %}body{% endset %}}: the rendered body, filtered, assigned. */
    record AssignBlock(Target target, List<Expr.FilterCall> filters, List<Stmt> body, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            target.assign(scope, FilterBlock.filtered(filters, body, scope));
            return Flow.NEXT;
        }
    }

    record FilterBlock(List<Expr.FilterCall> filters, List<Stmt> body, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            out.append(PyFormat.str(filtered(filters, body, scope)));
            return Flow.NEXT;
        }

        static Object filtered(List<Expr.FilterCall> filters, List<Stmt> body, Scope scope) {
            StringBuilder rendered = new StringBuilder();
            renderAll(body, scope, rendered);
            Object value = rendered.toString();
            for (Expr.FilterCall f : filters) {
                value = f.apply(value, scope);
            }
            return value;
        }
    }

    record MacroDefinition(Macro.Signature signature, List<Stmt> body, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            scope.set(signature.name(), new Macro(signature, body, scope));
            return Flow.NEXT;
        }
    }

    /** {@code {% call(params) m(args) %}body{% endcall %}}: calls {@code m} with the body as {@code caller}. */
    record CallBlock(Expr callee, Expr.CallArgs args, Macro.Signature caller, List<Stmt> body, int line)
            implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            Object function = callee.eval(scope);
            Args evaluated = args.eval(scope);
            Map<String, Object> keywords = new LinkedHashMap<>(evaluated.keyword());
            keywords.put("caller", new Macro(caller, body, scope));
            out.append(PyFormat.str(Expr.Call.invoke(function, new Args(evaluated.positional(), keywords))));
            return Flow.NEXT;
        }
    }

    /** transformers' {@code {% generation %}} tag: renders its body (it only marks assistant text for masks). */
    record Generation(List<Stmt> body, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            renderAll(body, scope.child(), out);
            return Flow.NEXT;
        }
    }

    record LoopControl(Flow flow, int line) implements Stmt {
        @Override
        public Flow render(Scope scope, StringBuilder out) {
            return flow;
        }
    }
}
