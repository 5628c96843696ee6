package dev.aha.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * {@code calculator}: exact arithmetic on integers and rationals. {@code + - * /}, parentheses, unary minus and
 * decimal literals, with the usual precedence; the result is an integer or a fraction in lowest terms
 * ({@code 1/3+1/6} is {@code 1/2}, {@code 0.1+0.2} is {@code 3/10}). No powers, so no expression of bounded length
 * can make a number too large to print. Stateless and thread-safe.
 */
public final class CalculatorTool implements Tool {

    public static final String NAME = "calculator";
    /** Longest expression it evaluates. */
    public static final int MAX_LENGTH = 500;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Evaluates an arithmetic expression exactly: integers, fractions, + - * / and parentheses.";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("type", "object", "properties", Map.of("expression", Map.of("type", "string",
                "description", "e.g. 123*456-7/8")), "required", java.util.List.of("expression"));
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
        return evaluate(expression.asText()).toString();
    }

    /** The exact value of {@code expression}. */
    public static Fraction evaluate(String expression) throws ToolException {
        if (expression.length() > MAX_LENGTH) {
            throw new ToolException("expression longer than " + MAX_LENGTH + " characters");
        }
        return new Parser(expression).parse();
    }

    /** Recursive descent over sum := product (('+'|'-') product)*, product := unary (('*'|'/') unary)*. */
    private static final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
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
