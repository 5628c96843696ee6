package dev.aha.jinja;

import static dev.aha.jinja.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whitespace control as transformers configures Jinja2 (trim_blocks, lstrip_blocks, no trailing newline). Every
 * expected string here is what Python's Jinja2 3.1 renders.
 */
class JinjaWhitespaceTest {

    @Test
    void shouldStripAllWhitespaceOnTheMinusSide() {
        assertEquals("abc", render("a  {%- if true -%}  b  {%- endif -%}  c"));
        assertEquals("ab", render("{{ 'a' -}}   \n   {{- 'b' }}"));
        assertEquals("ab", render("a{#- c -#}  b"));
    }

    @Test
    void shouldRemoveTheFirstNewlineAfterABlockTagButNotAfterAnExpression() {
        assertEquals("x\ny\n", render("{{ 'x' }}\n{{ 'y' }}\n\n"));
        assertEquals("1\n2\n", render("{% for x in l %}\n{{ x }}\n{% endfor %}", "l", List.of(1, 2)));
        assertEquals("\n", render("{% if true %}\n\n{% endif %}"));
    }

    @Test
    void shouldStripTheIndentBeforeABlockTagOnItsOwnLine() {
        assertEquals("line\n    in\nend", render("line\n    {% if true %}\n    in\n    {% endif %}\nend"));
        assertEquals("\tx\n", render("\t{% if true %}\n\tx\n\t{% endif %}\n"));
        assertEquals("a\nb", render("a\n  {# c #}\nb"));
    }

    @Test
    void shouldKeepTheIndentWhenOtherTextPrecedesTheTagOnItsLine() {
        assertEquals("pre   a\n post", render("pre {% if true %}\n  a\n{% endif %} post"));
        assertEquals("a  \n12", render("a  \n\t{% for x in l %}{{ x }}{% endfor %}\n", "l", List.of(1, 2)));
        assertEquals("  v  ", render("  {{ 'v' }}  "));
    }

    @Test
    void shouldHonourThePlusModifiers() {
        assertEquals("  x", render("  {%+ if true %}x{% endif %}"));
        assertEquals("\nx", render("{% if true +%}\nx{% endif %}"));
    }

    @Test
    void shouldDropOneTrailingNewlineAndNormaliseLineBreaks() {
        assertEquals("a\nb\nc\n", render("a\r\nb\rc\n\n"));
        assertEquals("x", render("{{- 'x' -}}\n\n"));
    }

    @Test
    void shouldRenderRawBlocksLiterally() {
        assertEquals("{{ x }}", render("{% raw %}{{ x }}{% endraw %}"));
        assertEquals("{{ x }}", render("{% raw -%}  {{ x }}  {%- endraw %}"));
    }

    @Test
    void shouldKeepBracesInsideExpressionsApartFromTheClosingTag() {
        assertEquals("{{}}{'a': {'b': 1}}", render("{{ '{{' }}{{ '}}' }}{{ {'a': {'b': 1}} }}"));
    }

    @Test
    void shouldMatchJinjaOnLoopsThatTrimTheirBodies() {
        assertEquals("12", render("{%- for x in l -%}\n  {{ x }}\n{%- endfor %}", "l", List.of(1, 2)));
        assertEquals("  1\n  2\n", render("{% for x in l %}  {{ x }}\n{% endfor %}", "l", List.of(1, 2)));
        assertEquals("  inner\n", render("{% if true %}{% if true %}\n  inner\n{% endif %}\n{% endif %}"));
        assertEquals("yes", render("{%\n  if true\n%}\nyes{%\nendif\n%}"));
    }
}
