package dev.aha.jinja;

import dev.aha.jinja.Token.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Builds the statement tree: text, {@code {{ }}} output, and the block tags {@code if/elif/else}, {@code for}
 * (with {@code else} and an inline {@code if} filter), {@code set} (plain, block and {@code ns.attr}),
 * {@code macro}, {@code call}, {@code filter}, {@code break}/{@code continue} and transformers' {@code generation}.
 */
final class Parser {

    /** An open block tag, for "unclosed" messages. */
    private record Open(String tag, int line) {}

    private static final Set<String> NOT_SUPPORTED = Set.of("include", "import", "from", "extends", "block", "with",
            "autoescape", "do", "trans");

    private final TokenStream in;
    private final ExpressionParser expressions;
    private final Deque<Open> open = new ArrayDeque<>();
    private int loopDepth;

    private Parser(List<Token> tokens) {
        this.in = new TokenStream(tokens);
        this.expressions = new ExpressionParser(in);
    }

    static List<Stmt> parse(String source) {
        return new Parser(Lexer.tokenize(source)).body();
    }

    /** Statements up to the end of the template, or up to a block tag named in {@code endTags} (not consumed). */
    private List<Stmt> body(String... endTags) {
        List<Stmt> out = new ArrayList<>();
        while (true) {
            Token t = in.current();
            switch (t.kind()) {
                case EOF -> {
                    if (endTags.length > 0) {
                        Open block = open.peek();
                        throw new JinjaException("unexpected end of template: '{% " + block.tag() + " %}' opened on line "
                                + block.line() + " is never closed (expected " + describe(endTags) + ")", t.line());
                    }
                    return out;
                }
                case DATA -> out.add(new Stmt.Text(in.next().text(), t.line()));
                case VARIABLE_BEGIN -> {
                    in.next();
                    Expr e = expressions.tuple(true, Set.of(), false);
                    in.expect(Kind.VARIABLE_END, "'}}'");
                    out.add(new Stmt.Print(e, t.line()));
                }
                case BLOCK_BEGIN -> {
                    Token name = in.peek(1);
                    if (name.is(Kind.NAME) && List.of(endTags).contains(name.text())) {
                        return out;
                    }
                    in.next();
                    out.add(tag(t.line()));
                }
                default -> throw new JinjaException("unexpected " + t.describe(), t.line());
            }
        }
    }

    private static String describe(String... tags) {
        List<String> parts = new ArrayList<>();
        for (String tag : tags) {
            parts.add("'{% " + tag + " %}'");
        }
        return String.join(" or ", parts);
    }

    private Stmt tag(int line) {
        Token name = in.expect(Kind.NAME, "a tag name after '{%'");
        return switch (name.text()) {
            case "if" -> ifBlock(line);
            case "for" -> forBlock(line);
            case "set" -> set(line);
            case "macro" -> macro(line);
            case "call" -> call(line);
            case "filter" -> filterBlock(line);
            case "generation" -> generation(line);
            case "break", "continue" -> loopControl(name, line);
            default -> throw unknownTag(name);
        };
    }

    private JinjaException unknownTag(Token name) {
        if (NOT_SUPPORTED.contains(name.text())) {
            return new JinjaException("the '" + name.text() + "' tag is not supported in chat templates here",
                    name.line());
        }
        Open block = open.peek();
        if (block != null) {
            return new JinjaException("unexpected '{% " + name.text() + " %}': the innermost open block is '{% "
                    + block.tag() + " %}' from line " + block.line(), name.line());
        }
        return new JinjaException("unknown tag '" + name.text() + "'", name.line());
    }

    private void endTag(String name) {
        in.next();
        Token t = in.expect(Kind.NAME, "'" + name + "'");
        if (!t.text().equals(name)) {
            throw new JinjaException("expected '" + name + "', got '" + t.text() + "'", t.line());
        }
        in.expect(Kind.BLOCK_END, "'%}' after '" + name + "'");
    }

    /** The tag name of the block tag at the cursor ({@code {%} then name). */
    private String peekTag() {
        return in.peek(1).text();
    }

    /** After a block's opening {@code %}}: its body and its {@code end<tag>}. */
    private List<Stmt> block(String tag, int line) {
        open.push(new Open(tag, line));
        List<Stmt> body = body("end" + tag);
        endTag("end" + tag);
        open.pop();
        return body;
    }

    /** At {@code {% else %}}: the statements up to {@code end}, which is left for the caller. */
    private List<Stmt> elseBody(String end) {
        in.next();
        in.next();
        in.expect(Kind.BLOCK_END, "'%}' after 'else'");
        return body(end);
    }

    private Stmt ifBlock(int line) {
        open.push(new Open("if", line));
        List<Expr> tests = new ArrayList<>();
        List<List<Stmt>> bodies = new ArrayList<>();
        List<Stmt> otherwise = List.of();
        tests.add(expressions.expression(false));
        in.expect(Kind.BLOCK_END, "'%}'");
        while (true) {
            bodies.add(body("elif", "else", "endif"));
            String next = peekTag();
            if (next.equals("elif")) {
                in.next();
                in.next();
                tests.add(expressions.expression(false));
                in.expect(Kind.BLOCK_END, "'%}'");
            } else {
                if (next.equals("else")) {
                    otherwise = elseBody("endif");
                }
                endTag("endif");
                open.pop();
                return new Stmt.If(tests, bodies, otherwise, line);
            }
        }
    }

    private Stmt forBlock(int line) {
        open.push(new Open("for", line));
        Target target = target(false, Set.of("in"));
        if (!in.skipName("in")) {
            throw in.error("expected 'in' in for loop, got " + in.current().describe());
        }
        Expr iterable = expressions.tuple(false, Set.of("recursive"), false);
        Expr condition = in.skipName("if") ? expressions.expression() : null;
        if (in.current().isName("recursive")) {
            throw in.error("recursive for loops are not supported");
        }
        in.expect(Kind.BLOCK_END, "'%}'");
        loopDepth++;
        List<Stmt> body = body("endfor", "else");
        loopDepth--;
        List<Stmt> otherwise = List.of();
        if (peekTag().equals("else")) {
            otherwise = elseBody("endfor");
        }
        endTag("endfor");
        open.pop();
        return new Stmt.For(target, iterable, condition, body, otherwise, line);
    }

    /** A name, names to unpack ({@code a, b} or {@code (a, b)}), or with {@code namespaces} also {@code ns.attr}. */
    private Target target(boolean namespaces, Set<String> endNames) {
        Token first = in.current();
        if (namespaces && first.is(Kind.NAME) && in.peek(1).isOperator(".")) {
            in.next();
            in.next();
            Token attribute = in.expect(Kind.NAME, "an attribute name after '" + first.text() + ".'");
            return new Target.NamespaceAttribute(first.text(), attribute.text());
        }
        boolean parenthesised = in.skipOperator("(");
        List<String> names = new ArrayList<>();
        boolean comma = false;
        while (true) {
            Token t = in.current();
            if (!t.is(Kind.NAME) || endNames.contains(t.text())) {
                throw new JinjaException("can't assign to " + t.describe(), t.line());
            }
            names.add(in.next().text());
            if (!in.skipOperator(",")) {
                break;
            }
            comma = true;
            Token after = in.current();
            if (after.isOperator(")") || after.is(Kind.BLOCK_END) || after.isOperator("=")
                    || after.is(Kind.NAME) && endNames.contains(after.text())) {
                break;
            }
        }
        if (parenthesised) {
            in.expectOperator(")");
        }
        return names.size() == 1 && !comma && !parenthesised ? new Target.Name(names.get(0))
                : new Target.Unpack(names);
    }

    private Stmt set(int line) {
        Target target = target(true, Set.of());
        if (in.skipOperator("=")) {
            Expr value = expressions.tuple(true, Set.of(), false);
            in.expect(Kind.BLOCK_END, "'%}'");
            return new Stmt.Assign(target, value, line);
        }
        List<Expr.FilterCall> filters = filterChain(false);
        in.expect(Kind.BLOCK_END, "'=' or '%}'");
        return new Stmt.AssignBlock(target, filters, block("set", line), line);
    }

    /** {@code |f(args)|g}; with {@code leading} the first filter has no {@code |} before it. */
    private List<Expr.FilterCall> filterChain(boolean leading) {
        List<Expr.FilterCall> filters = new ArrayList<>();
        if (leading) {
            filters.add(expressions.filterCall());
        }
        while (in.skipOperator("|")) {
            filters.add(expressions.filterCall());
        }
        return filters;
    }

    private Stmt macro(int line) {
        Token name = in.expect(Kind.NAME, "a macro name");
        Macro.Signature signature = signature(name.text());
        in.expect(Kind.BLOCK_END, "'%}'");
        int outerLoops = loopDepth;
        loopDepth = 0;
        List<Stmt> body = block("macro", line);
        loopDepth = outerLoops;
        return new Stmt.MacroDefinition(signature, body, line);
    }

    /** {@code (a, b=default, ...)}; required parameters may not follow ones with defaults. */
    private Macro.Signature signature(String name) {
        in.expectOperator("(");
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!in.current().isOperator(")")) {
            if (!params.isEmpty()) {
                in.expectOperator(",");
            }
            Token param = in.expect(Kind.NAME, "a parameter name");
            params.add(param.text());
            if (in.skipOperator("=")) {
                defaults.add(expressions.expression());
            } else if (defaults.stream().anyMatch(d -> d != null)) {
                throw new JinjaException("non-default argument follows default argument", param.line());
            } else {
                defaults.add(null);
            }
        }
        in.expectOperator(")");
        return new Macro.Signature(name, params, defaults);
    }

    private Stmt call(int line) {
        Macro.Signature caller = in.current().isOperator("(") ? signature("caller")
                : new Macro.Signature("caller", List.of(), List.of());
        Expr call = expressions.expression();
        if (!(call instanceof Expr.Call c)) {
            throw new JinjaException("expected a call after 'call'", line);
        }
        in.expect(Kind.BLOCK_END, "'%}'");
        return new Stmt.CallBlock(c.callee(), c.args(), caller, block("call", line), line);
    }

    private Stmt filterBlock(int line) {
        List<Expr.FilterCall> filters = filterChain(true);
        in.expect(Kind.BLOCK_END, "'%}'");
        return new Stmt.FilterBlock(filters, block("filter", line), line);
    }

    private Stmt generation(int line) {
        in.expect(Kind.BLOCK_END, "'%}'");
        return new Stmt.Generation(block("generation", line), line);
    }

    private Stmt loopControl(Token name, int line) {
        if (loopDepth == 0) {
            throw new JinjaException("'" + name.text() + "' outside of a loop", name.line());
        }
        in.expect(Kind.BLOCK_END, "'%}'");
        return new Stmt.LoopControl(name.text().equals("break") ? Stmt.Flow.BREAK : Stmt.Flow.CONTINUE, line);
    }
}
