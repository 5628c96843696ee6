package dev.aha.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code {% macro %}} (or the body of a {@code {% call %}} block, named {@code caller}). A call renders the body
 * in a child of the scope the macro was defined in; parameters not given are their default or undefined; extra
 * arguments land in {@code varargs} and {@code kwargs}; a {@code caller} keyword becomes the {@code caller} variable.
 */
final class Macro implements JinjaCallable {

    /** Parameter names and their default expressions ({@code null} where there is none). */
    record Signature(String name, List<String> params, List<Expr> defaults) {}

    private final Signature signature;
    private final List<Stmt> body;
    private final Scope closure;

    Macro(Signature signature, List<Stmt> body, Scope closure) {
        this.signature = signature;
        this.body = body;
        this.closure = closure;
    }

    @Override
    public String name() {
        return signature.name();
    }

    @Override
    public Object call(Args args) {
        Scope scope = closure.child();
        Map<String, Object> keywords = new LinkedHashMap<>(args.keyword());
        List<Object> positional = args.positional();
        List<String> params = signature.params();
        for (int i = 0; i < params.size(); i++) {
            String param = params.get(i);
            if (i < positional.size()) {
                if (keywords.containsKey(param)) {
                    throw new JinjaException("TypeError: macro '" + name() + "' got multiple values for argument '"
                            + param + "'");
                }
                scope.set(param, positional.get(i));
            } else if (keywords.containsKey(param)) {
                scope.set(param, keywords.remove(param));
            } else if (signature.defaults().get(i) != null) {
                scope.set(param, signature.defaults().get(i).eval(scope));
            } else {
                scope.set(param, Undefined.because("parameter " + PyFormat.repr(param) + " was not provided"));
            }
        }
        if (keywords.containsKey("caller")) {
            scope.set("caller", keywords.remove("caller"));
        }
        List<Object> extra = positional.size() > params.size()
                ? new ArrayList<>(positional.subList(params.size(), positional.size())) : List.of();
        scope.set("varargs", new PyTuple(extra));
        scope.set("kwargs", keywords);
        StringBuilder out = new StringBuilder();
        Stmt.renderAll(body, scope, out);
        return out.toString();
    }
}
