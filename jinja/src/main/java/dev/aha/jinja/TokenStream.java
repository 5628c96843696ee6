package dev.aha.jinja;

import dev.aha.jinja.Token.Kind;
import java.util.List;

/** A cursor over the lexer's tokens, with the expectations the parser states. */
final class TokenStream {

    private final List<Token> tokens;
    private int at;

    TokenStream(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token current() {
        return tokens.get(at);
    }

    Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    Token next() {
        Token t = tokens.get(at);
        if (at < tokens.size() - 1) {
            at++;
        }
        return t;
    }

    boolean skipOperator(String op) {
        if (current().isOperator(op)) {
            next();
            return true;
        }
        return false;
    }

    boolean skipName(String name) {
        if (current().isName(name)) {
            next();
            return true;
        }
        return false;
    }

    Token expect(Kind kind, String what) {
        if (!current().is(kind)) {
            throw error("expected " + what + ", got " + current().describe());
        }
        return next();
    }

    Token expectOperator(String op) {
        if (!current().isOperator(op)) {
            throw error("expected '" + op + "', got " + current().describe());
        }
        return next();
    }

    JinjaException error(String message) {
        return new JinjaException(message, current().line());
    }
}
