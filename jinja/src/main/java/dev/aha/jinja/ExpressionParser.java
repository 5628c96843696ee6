package dev.aha.jinja;

import dev.aha.jinja.Expr.CallArgs;
import dev.aha.jinja.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Jinja2's expression grammar, loosest binding first:
 * <pre>
 * conditional := or ('if' or ('else' conditional)?)*
 * or          := and ('or' and)*          and := not ('and' not)*       not := 'not' not | compare
 * compare     := sum (('=='|'!='|'<'|'<='|'>'|'>='|'in'|'not in') sum)*
 * sum         := concat (('+'|'-') concat)*                  concat := product ('~' product)*
 * product     := power (('*'|'/'|'//'|'%') power)*          power := unary ('**' unary)*
 * unary       := ('-'|'+') unary-without-filters | primary postfix*, then ('|' filter | 'is' test | call)*
 * </pre>
 * So {@code not x is defined} is {@code not (x is defined)}, {@code a|length - 1} is {@code (a|length) - 1} and
 * {@code -x|abs} is {@code abs(-x)}. Unknown filters and tests fail here, at parse time, as in Jinja2.
 */
final class ExpressionParser {

    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final TokenStream in;

    ExpressionParser(TokenStream in) {
        this.in = in;
    }

    Expr expression() {
        return expression(true);
    }

    Expr expression(boolean withConditional) {
        return withConditional ? conditional() : or();
    }

    /**
     * Comma-separated expressions; one without a comma is itself, more make a tuple. Stops before {@code }}},
     * {@code %}}, {@code )} and the names in {@code endNames}.
     */
    Expr tuple(boolean withConditional, Set<String> endNames, boolean parenthesised) {
        List<Expr> items = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!items.isEmpty()) {
                in.expectOperator(",");
            }
            if (isTupleEnd(endNames)) {
                break;
            }
            items.add(expression(withConditional));
            if (in.current().isOperator(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (!isTuple) {
            if (!items.isEmpty()) {
                return items.get(0);
            }
            if (!parenthesised) {
                throw in.error("expected an expression, got " + in.current().describe());
            }
        }
        return new Expr.TupleLiteral(items);
    }

    private boolean isTupleEnd(Set<String> endNames) {
        Token t = in.current();
        return t.is(Kind.VARIABLE_END) || t.is(Kind.BLOCK_END) || t.isOperator(")")
                || t.is(Kind.NAME) && endNames.contains(t.text());
    }

    private Expr conditional() {
        Expr expr = or();
        while (in.current().isName("if")) {
            int line = in.next().line();
            Expr test = or();
            Expr otherwise = in.skipName("else") ? conditional() : null;
            expr = new Expr.Conditional(test, expr, otherwise, line);
        }
        return expr;
    }

    private Expr or() {
        Expr left = and();
        while (in.skipName("or")) {
            left = new Expr.Logical(false, left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (in.skipName("and")) {
            left = new Expr.Logical(true, left, not());
        }
        return left;
    }

    private Expr not() {
        if (in.skipName("not")) {
            return new Expr.Not(not());
        }
        return compare();
    }

    private Expr compare() {
        Expr first = sum();
        List<String> ops = new ArrayList<>();
        List<Expr> operands = new ArrayList<>();
        while (true) {
            Token t = in.current();
            if (t.is(Kind.OPERATOR) && COMPARISONS.contains(t.text())) {
                ops.add(in.next().text());
            } else if (t.isName("in")) {
                in.next();
                ops.add("in");
            } else if (t.isName("not") && in.peek(1).isName("in")) {
                in.next();
                in.next();
                ops.add("not in");
            } else {
                break;
            }
            operands.add(sum());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, operands);
    }

    private Expr sum() {
        Expr left = concat();
        while (in.current().isOperator("+") || in.current().isOperator("-")) {
            String op = in.next().text();
            left = new Expr.Arithmetic(op, left, concat());
        }
        return left;
    }

    private Expr concat() {
        List<Expr> parts = new ArrayList<>();
        parts.add(product());
        while (in.skipOperator("~")) {
            parts.add(product());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Concat(parts);
    }

    private Expr product() {
        Expr left = power();
        while (in.current().is(Kind.OPERATOR) && Set.of("*", "/", "//", "%").contains(in.current().text())) {
            String op = in.next().text();
            left = new Expr.Arithmetic(op, left, power());
        }
        return left;
    }

    private Expr power() {
        Expr left = unary(true);
        while (in.skipOperator("**")) {
            left = new Expr.Arithmetic("**", left, unary(true));
        }
        return left;
    }

    private Expr unary(boolean withFilters) {
        Expr node;
        if (in.skipOperator("-")) {
            node = new Expr.Sign(true, unary(false));
        } else if (in.skipOperator("+")) {
            node = new Expr.Sign(false, unary(false));
        } else {
            node = primary();
        }
        node = postfix(node);
        return withFilters ? filtersAndTests(node) : node;
    }

    private Expr primary() {
        Token t = in.next();
        switch (t.kind()) {
            case NAME -> {
                return switch (t.text()) {
                    case "true", "True" -> new Expr.Const(true);
                    case "false", "False" -> new Expr.Const(false);
                    case "none", "None" -> new Expr.Const(null);
                    default -> new Expr.Var(t.text());
                };
            }
            case STRING -> {
                StringBuilder s = new StringBuilder(t.text());
                while (in.current().is(Kind.STRING)) {
                    s.append(in.next().text());
                }
                return new Expr.Const(s.toString());
            }
            case INTEGER -> {
                return new Expr.Const(integerLiteral(t));
            }
            case FLOAT -> {
                return new Expr.Const(Double.parseDouble(t.text()));
            }
            case OPERATOR -> {
                switch (t.text()) {
                    case "(" -> {
                        Expr inner = tuple(true, Set.of(), true);
                        in.expectOperator(")");
                        return inner;
                    }
                    case "[" -> {
                        return new Expr.ListLiteral(listItems());
                    }
                    case "{" -> {
                        return dict();
                    }
                    default -> { }
                }
            }
            default -> { }
        }
        throw new JinjaException("unexpected " + t.describe(), t.line());
    }

    private static long integerLiteral(Token t) {
        String s = t.text().toLowerCase();
        try {
            if (s.startsWith("0x") || s.startsWith("0o") || s.startsWith("0b")) {
                return Long.parseLong(s.substring(2), s.charAt(1) == 'x' ? 16 : s.charAt(1) == 'o' ? 8 : 2);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new JinjaException("integer literal " + t.text() + " is not a valid 64-bit integer", t.line());
        }
    }

    private List<Expr> listItems() {
        List<Expr> items = new ArrayList<>();
        commaSeparated("]", () -> items.add(expression()));
        return items;
    }

    private Expr dict() {
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        commaSeparated("}", () -> {
            keys.add(expression());
            in.expectOperator(":");
            values.add(expression());
        });
        return new Expr.DictLiteral(keys, values);
    }

    /** Items up to and including {@code close}, separated by commas, a trailing comma allowed. */
    private void commaSeparated(String close, Runnable item) {
        boolean first = true;
        while (!in.current().isOperator(close)) {
            if (!first) {
                in.expectOperator(",");
                if (in.current().isOperator(close)) {
                    break;
                }
            }
            first = false;
            item.run();
        }
        in.expectOperator(close);
    }

    private Expr postfix(Expr node) {
        while (true) {
            Token t = in.current();
            if (t.isOperator(".") || t.isOperator("[")) {
                node = subscript(node);
            } else if (t.isOperator("(")) {
                node = new Expr.Call(node, callArgs());
            } else {
                return node;
            }
        }
    }

    private Expr filtersAndTests(Expr node) {
        while (true) {
            Token t = in.current();
            if (t.isOperator("|")) {
                in.next();
                node = new Expr.Filter(node, filterCall());
            } else if (t.isName("is")) {
                node = test(node);
            } else if (t.isOperator("(")) {
                node = new Expr.Call(node, callArgs());
            } else {
                return node;
            }
        }
    }

    private Expr subscript(Expr node) {
        Token op = in.next();
        if (op.isOperator(".")) {
            Token name = in.next();
            if (name.is(Kind.NAME)) {
                return new Expr.Attribute(node, name.text());
            }
            if (name.is(Kind.INTEGER)) {
                return new Expr.Item(node, new Expr.Const(integerLiteral(name)));
            }
            throw new JinjaException("expected a name or number after '.', got " + name.describe(), name.line());
        }
        List<Expr> args = new ArrayList<>();
        commaSeparated("]", () -> args.add(subscribed()));
        if (args.isEmpty()) {
            throw new JinjaException("expected an index or slice inside '[]'", op.line());
        }
        return new Expr.Item(node, args.size() == 1 ? args.get(0) : new Expr.TupleLiteral(args));
    }

    /** An index or a {@code start:stop:step} slice with any part left out. */
    private Expr subscribed() {
        Expr start = null;
        if (!in.current().isOperator(":")) {
            start = expression();
            if (!in.current().isOperator(":")) {
                return start;
            }
        }
        in.expectOperator(":");
        Expr stop = sliceBound();
        Expr step = null;
        if (in.skipOperator(":")) {
            step = sliceBound();
        }
        return new Expr.Slice(start, stop, step);
    }

    private Expr sliceBound() {
        Token t = in.current();
        return t.isOperator(":") || t.isOperator("]") || t.isOperator(",") ? null : expression();
    }

    /** {@code (a, b, *rest, key=value, **more)}; positionals must come before keywords. */
    CallArgs callArgs() {
        in.expectOperator("(");
        List<Expr> positional = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        Expr[] spread = new Expr[2]; // *args, **kwargs
        commaSeparated(")", () -> {
            Token t = in.current();
            if (t.isOperator("*") || t.isOperator("**")) {
                in.next();
                spread[t.text().length() - 1] = expression();
            } else if (t.is(Kind.NAME) && in.peek(1).isOperator("=")) {
                in.next();
                in.next();
                if (names.contains(t.text())) {
                    throw new JinjaException("keyword argument repeated: " + t.text(), t.line());
                }
                names.add(t.text());
                values.add(expression());
            } else {
                if (!names.isEmpty() || spread[0] != null || spread[1] != null) {
                    throw new JinjaException("positional argument follows keyword argument", t.line());
                }
                positional.add(expression());
            }
        });
        return new CallArgs(positional, names, values, spread[0], spread[1]);
    }

    /** After {@code |}: a filter name, with arguments if parenthesised. */
    Expr.FilterCall filterCall() {
        Token name = in.expect(Kind.NAME, "a filter name");
        Filters.FilterFunction f = Filters.lookup(name.text());
        if (f == null) {
            throw new JinjaException("no filter named '" + name.text() + "'", name.line());
        }
        CallArgs args = in.current().isOperator("(") ? callArgs() : CallArgs.NONE;
        return new Expr.FilterCall(name.text(), f, args);
    }

    /** {@code is [not] name}, with arguments in parentheses or one bare argument ({@code is sameas false}). */
    private Expr test(Expr operand) {
        in.next();
        boolean negated = in.skipName("not");
        Token name = in.expect(Kind.NAME, "a test name");
        Tests.TestFunction test = Tests.lookup(name.text());
        if (test == null) {
            throw new JinjaException("no test named '" + name.text() + "'", name.line());
        }
        CallArgs args = CallArgs.NONE;
        Token t = in.current();
        if (t.isOperator("(")) {
            args = callArgs();
        } else if ((t.is(Kind.NAME) || t.is(Kind.STRING) || t.is(Kind.INTEGER) || t.is(Kind.FLOAT)
                || t.isOperator("[") || t.isOperator("{")) && !t.isName("else") && !t.isName("or")
                && !t.isName("and")) {
            if (t.isName("is")) {
                throw in.error("cannot chain tests with 'is'");
            }
            args = new CallArgs(List.of(postfix(primary())), List.of(), List.of(), null, null);
        }
        Expr result = new Expr.Test(operand, name.text(), test, args);
        return negated ? new Expr.Not(result) : result;
    }
}
