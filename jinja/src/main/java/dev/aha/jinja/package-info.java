/**
 * A Jinja2 interpreter for Hugging Face chat templates: {@link dev.aha.jinja.JinjaTemplate}.
 *
 * <p>Why our own: chat templates must render byte for byte as transformers renders them, or the model sees
 * prompts it was not trained on. HubSpot's jinjava cannot parse Qwen3's template ({@code namespace(a=1)},
 * {@code messages[::-1]}) and trims {@code {%- -%}} differently; Hugging Face's reference engines are Python's
 * Jinja2 (what transformers runs) and {@code @huggingface/jinja} (JavaScript, not on Maven Central).
 *
 * <p>Shape: {@code Lexer} (tokens, with all whitespace control applied to the text tokens) &rarr;
 * {@code Parser}/{@code ExpressionParser} (Jinja2's grammar and precedence) &rarr; {@code Stmt}/{@code Expr} nodes
 * that render and evaluate themselves &rarr; Python semantics in {@code PyOps} (operators), {@code PyFormat}
 * (str/repr), {@code PyStrings} and {@code Methods} (str and dict methods), {@code Access} (attributes, items,
 * slices), {@code Filters}, {@code Tests}, {@code Globals}, {@code Json} (transformers' {@code tojson}).
 *
 * <p>Semantics follow Python's Jinja2 in transformers' configuration. Where {@code @huggingface/jinja} 0.5 differs
 * from it, this package follows Python (transformers is what trained models saw): {@code strip/lstrip/rstrip}
 * honour their {@code chars} argument; {@code None}, booleans and whole floats print as {@code None},
 * {@code True}, {@code 1.0}; a {@code set} inside a loop body lasts one iteration; lists have no {@code .length};
 * {@code tojson(indent=0)} still breaks lines; {@code 1} and {@code True} are one dict key. The fixtures in
 * {@code runtime/src/test/fixtures/chat-templates} are renders on which both engines agree.
 *
 * <p>Not supported (each fails with a message naming the line): {@code include}/{@code import}/{@code extends}/
 * {@code block}, recursive loops, autoescape, {@code %}-formatting of strings, str methods such as {@code zfill}
 * and format specs in {@code str.format}; integers are 64-bit.
 */
package dev.aha.jinja;
