package dev.aha.jinja;

/** One lexical unit of a template; {@code text} is the unescaped value of a string literal. */
record Token(Kind kind, String text, int line) {

    enum Kind {
        /** Literal template text, already whitespace-controlled. */
        DATA,
        VARIABLE_BEGIN,
        VARIABLE_END,
        BLOCK_BEGIN,
        BLOCK_END,
        NAME,
        STRING,
        INTEGER,
        FLOAT,
        OPERATOR,
        EOF
    }

    boolean is(Kind k) {
        return kind == k;
    }

    boolean isOperator(String op) {
        return kind == Kind.OPERATOR && text.equals(op);
    }

    boolean isName(String name) {
        return kind == Kind.NAME && text.equals(name);
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case EOF -> "end of template";
            case VARIABLE_BEGIN -> "'{{'";
            case VARIABLE_END -> "'}}'";
            case BLOCK_BEGIN -> "'{%'";
            case BLOCK_END -> "'%}'";
            case DATA -> "template text";
            case STRING -> "string '" + text + "'";
            default -> "'" + text + "'";
        };
    }
}
