package dev.aha.jinja;

/**
 * A template that cannot be parsed or rendered: a syntax error, an undefined value used where Jinja refuses one,
 * a type error, or the template's own {@code raise_exception(msg)}. The message starts with the template line
 * ({@code "line 12: ..."}) once the failing statement is known.
 */
public final class JinjaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int line;
    private final String reason;

    public JinjaException(String reason) {
        this(reason, 0, null);
    }

    JinjaException(String reason, int line) {
        this(reason, line, null);
    }

    JinjaException(String reason, int line, Throwable cause) {
        super(line > 0 ? "line " + line + ": " + reason : reason, cause);
        this.line = line;
        this.reason = reason;
    }

    /** The 1-based template line of the failing statement, or 0 when it is not known. */
    public int line() {
        return line;
    }

    /** The message without the line prefix. */
    public String reason() {
        return reason;
    }

    /** This error located at {@code line}, unless a more precise (inner) line is already known. */
    JinjaException at(int atLine) {
        if (line > 0 || atLine <= 0) {
            return this;
        }
        JinjaException located = new JinjaException(reason, atLine, getCause());
        located.setStackTrace(getStackTrace());
        return located;
    }
}
