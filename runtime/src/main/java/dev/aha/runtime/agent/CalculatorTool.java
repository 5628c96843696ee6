package dev.aha.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code calculator}: exact arithmetic on integers and rationals. {@code + - * /}, parentheses, unary minus and
 * decimal literals, with the usual precedence; the result is an integer or a fraction in lowest terms
 * ({@code 1/3+1/6} is {@code 1/2}, {@code 0.1+0.2} is {@code 3/10}). No powers, so no expression of bounded length
 * can make a number too large to print. Like a pocket calculator, {@code ans} stands for the result of the episode's
 * previous call ({@code [calculator 345*678]} then {@code [calculator 12+ans]}): each episode gets its own memory
 * ({@link #forEpisode}), so no episode sees another's results. Thread-safe.
 */
public final class CalculatorTool implements Tool {

    public static final String NAME = "calculator";
    /** Longest expression it evaluates. */
    public static final int MAX_LENGTH = 500;
    /** The name that stands for the previous call's result. */
    public static final String ANS = "ans";

    /** The last result this instance gave; calls of one episode come one at a time, from pool threads in turn. */
    private final AtomicReference<Fraction> ans = new AtomicReference<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Evaluates an arithmetic expression exactly: integers, fractions, + - * / and parentheses; "
                + ANS + " is the previous call's result.";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("type", "object", "properties", Map.of("expression", Map.of("type", "string",
                "description", "e.g. 123*456-7/8, or 12+" + ANS)), "required", java.util.List.of("expression"));
    }

    @Override
    public String primaryArgument() {
        return "expression";
    }

    @Override
    public String call(JsonNode arguments) throws ToolException {
        JsonNode expression = arguments.path("expression");
        if (!expression.isTextual()) {
            throw new ToolException("calculator needs a string argument 'expression'");
        }
        Fraction value = evaluate(expression.asText(), ans.get());
        ans.set(value);
        return value.toString();
    }

    /** A calculator with a memory of its own, empty: {@code ans} of one episode's calls. */
    @Override
    public Tool forEpisode() {
        return new CalculatorTool();
    }

    /** The exact value of {@code expression}, which may not name {@code ans}. */
    public static Fraction evaluate(String expression) throws ToolException {
        return evaluate(expression, null);
    }

    /** The exact value of {@code expression}, {@code ans} standing for {@code previous} (null: refused). */
    public static Fraction evaluate(String expression, Fraction previous) throws ToolException {
        if (expression.length() > MAX_LENGTH) {
            throw new ToolException("expression longer than " + MAX_LENGTH + " characters");
        }
        return new Parser(expression, previous).parse();
    }

    /**
     * Recursive descent over sum := product (('+'|'-') product)*, product := unary (('*'|'/') unary)*,
     * unary := ('-'|'+') unary | '(' sum ')' | number | ans.
     */
    private static final class Parser {
        private final String text;
        private final Fraction previous;
        private int at;

        Parser(String text, Fraction previous) {
            this.text = text;
            this.previous = previous;
        }

        Fraction parse() throws ToolException {
            Fraction value = sum();
            skipSpaces();
            if (at < text.length()) {
                throw new ToolException("unexpected '" + text.charAt(at) + "' at " + at);
            }
            return value;
        }

        private Fraction sum() throws ToolException {
            Fraction value = product();
            for (char c = peek(); c == '+' || c == '-'; c = peek()) {
                at++;
                value = c == '+' ? value.plus(product()) : value.minus(product());
            }
            return value;
        }

        private Fraction product() throws ToolException {
            Fraction value = unary();
            for (char c = peek(); c == '*' || c == '/' || c == 'x'; c = peek()) {
                at++;
                Fraction right = unary();
                if (c == '/' && right.numerator().signum() == 0) {
                    throw new ToolException("division by zero");
                }
                value = c == '/' ? value.dividedBy(right) : value.times(right);
            }
            return value;
        }

        private Fraction unary() throws ToolException {
            char c = peek();
            if (c == '-' || c == '+') {
                at++;
                Fraction v = unary();
                return c == '-' ? v.negate() : v;
            }
            if (c == '(') {
                at++;
                Fraction v = sum();
                if (peek() != ')') {
                    throw new ToolException("missing ')'");
                }
                at++;
                return v;
            }
            if (text.startsWith(ANS, at)) {
                if (previous == null) {
                    throw new ToolException(ANS + " has no value: no earlier call in this episode");
                }
                at += ANS.length();
                return previous;
            }
            int start = at;
            while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                at++;
            }
            String literal = text.substring(start, at);
            if (literal.isEmpty() || literal.equals(".") || literal.indexOf('.') != literal.lastIndexOf('.')) {
                throw new ToolException(at < text.length() ? "unexpected '" + text.charAt(at) + "' at " + at
                        : "the expression ends early");
            }
            return Fraction.parseDecimal(literal);
        }

        /** The next character that is not a space, or 0 at the end. */
        private char peek() {
            skipSpaces();
            return at < text.length() ? text.charAt(at) : 0;
        }

        private void skipSpaces() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
    }
}
