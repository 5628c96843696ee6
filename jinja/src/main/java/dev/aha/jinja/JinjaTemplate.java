package dev.aha.jinja;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Jinja2 template as Hugging Face chat templates use it, rendered the way transformers renders it (Jinja2's
 * {@code ImmutableSandboxedEnvironment} with {@code trim_blocks} and {@code lstrip_blocks}, plus the
 * {@code raise_exception}, {@code strftime_now} globals and the JSON {@code tojson} filter). The interpreter covers
 * the chat-template subset of Jinja2 (no includes, inheritance or autoescape); what it does not support fails with
 * a {@link JinjaException} naming the line, never silently.
 *
 * <p>Thread-safe: a parsed template is immutable and each render has its own scope.
 */
public final class JinjaTemplate {

    private final String source;
    private final List<Stmt> body;

    private JinjaTemplate(String source, List<Stmt> body) {
        this.source = source;
        this.body = body;
    }

    /** Parses a template; syntax errors, unknown tags, filters and tests fail here. */
    public static JinjaTemplate parse(String source) {
        Objects.requireNonNull(source, "source");
        return new JinjaTemplate(source, Parser.parse(source));
    }

    /**
     * Renders with {@code context} as the template's variables. Values are plain Java: maps (string keys), lists,
     * strings, numbers, booleans and {@code null} (Python's {@code None}); a key that is absent is undefined.
     */
    public String render(Map<String, ?> context) {
        Map<String, Object> variables = new HashMap<>(Globals.create());
        context.forEach((name, value) -> variables.put(name, Values.fromJava(value, name)));
        StringBuilder out = new StringBuilder();
        Stmt.renderAll(body, Scope.root(variables), out);
        return out.toString();
    }

    public String source() {
        return source;
    }
}
