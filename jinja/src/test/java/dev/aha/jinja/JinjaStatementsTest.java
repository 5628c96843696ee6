package dev.aha.jinja;

import static dev.aha.jinja.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Block tags and scoping; expected strings are Python Jinja2's output. */
class JinjaStatementsTest {

    private static final List<Integer> L = List.of(3, 1, 2);

    @Test
    void shouldTakeTheFirstTrueBranch() {
        String t = "{% if a %}a{% elif b %}b{% else %}c{% endif %}";
        assertEquals("a", render(t, "a", 1, "b", 1));
        assertEquals("b", render(t, "a", 0, "b", 2));
        assertEquals("c", render(t, "a", "", "b", List.of()));
    }

    @Test
    void shouldExposeTheLoopVariables() {
        assertEquals("10TrueFalse332;21FalseFalse321;32FalseTrue310;", render("{% for x in l %}{{ loop.index }}"
                + "{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}"
                + "{{ loop.revindex0 }};{% endfor %}", "l", L));
        assertEquals("-1;3-2;1-;", render("{% for x in l %}{{ loop.previtem }}-{{ loop.nextitem }};{% endfor %}",
                "l", L));
        assertEquals("aba", render("{% for x in l %}{{ loop.cycle('a','b') }}{% endfor %}", "l", L));
    }

    @Test
    void shouldGiveEachNestedLoopItsOwnLoopVariable() {
        assertEquals("113 214 1;123 224 2;", render("{% for a in [1,2] %}{% for b in [3,4] %}{{ loop.index }}{{ a }}"
                + "{{ b }} {% endfor %}{{ loop.index }};{% endfor %}"));
    }

    @Test
    void shouldRenderTheElseBranchWhenNothingIsIterated() {
        assertEquals("empty", render("{% for x in [] %}a{% else %}empty{% endfor %}"));
        assertEquals("b", render("{% for x in missing %}a{% else %}b{% endfor %}"));
        assertEquals("3222", render("{% for x in l if x > 1 %}{{ x }}{{ loop.length }}{% endfor %}", "l", L));
        assertEquals("none", render("{% for x in l if x > 5 %}{{ x }}{% else %}none{% endfor %}", "l", L));
    }

    @Test
    void shouldUnpackPairsAndIterateDictsAndStrings() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("a", 1);
        d.put("b", List.of(1, 2));
        assertEquals("a=1,b=[1, 2],", render("{% for k, v in d.items() %}{{ k }}={{ v }},{% endfor %}", "d", d));
        assertEquals("ab", render("{% for k in d %}{{ k }}{% endfor %}", "d", d));
        assertEquals("h|é|🧮|", render("{% for c in 'hé🧮' %}{{ c }}|{% endfor %}"));
    }

    @Test
    void shouldBreakAndContinue() {
        assertEquals("3", render("{% for x in l %}{% if x == 1 %}{% break %}{% endif %}{{ x }}{% endfor %}", "l", L));
        assertEquals("32", render("{% for x in l %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% endfor %}",
                "l", L));
    }

    @Test
    void shouldKeepAssignmentsInALoopBodyLocalToTheIteration() {
        assertEquals("12,12,12,1", render("{% set x = 1 %}{% for i in range(3) %}{{ x }}{% set x = x + 1 %}{{ x }},"
                + "{% endfor %}{{ x }}"));
    }

    @Test
    void shouldCarryStateOutOfLoopsInANamespace() {
        assertEquals("7x", render("{% set ns = namespace(a=1, b='x') %}{% for i in l %}{% set ns.a = ns.a + i %}"
                + "{% endfor %}{{ ns.a }}{{ ns.b }}", "l", L));
        assertEquals("23|2", render("{% set ns = namespace({'k': 2}, j=3) %}{{ ns.k }}{{ ns.j }}{{ ns.zz }}|"
                + "{{ ns['k'] }}"));
    }

    @Test
    void shouldSetTopLevelVariablesFromAnIfBlock() {
        assertEquals("False", render("{% if not flag is defined %}{% set flag = false %}{% endif %}{{ flag }}"));
        assertEquals("True", render("{% if not flag is defined %}{% set flag = false %}{% endif %}{{ flag }}",
                "flag", true));
    }

    @Test
    void shouldAssignTuplesAndBlocks() {
        assertEquals("12", render("{% set a, b = 1, 2 %}{{ a }}{{ b }}"));
        assertEquals("(1, 2)", render("{% set a = 1, 2 %}{{ a }}"));
        assertEquals("[  block 1 ]", render("{% set x %}  block {{ 1 }} {% endset %}[{{ x }}]"));
        assertEquals("[block]", render("{% set x | trim %}  block  {% endset %}[{{ x }}]"));
    }

    @Test
    void shouldCallMacrosWithDefaultsKeywordsAndExtras() {
        assertEquals("Hello, Bob! Yo, Al! Hello, !|", render("{% macro hi(name, greeting='Hello') %}{{ greeting }}, "
                + "{{ name }}!{% endmacro %}{{ hi('Bob') }} {{ hi('Al', greeting='Yo') }} {{ hi() }}|"));
        assertEquals("(1, 2){'a': 3}", render("{% macro f() %}{{ varargs }}{{ kwargs }}{% endmacro %}"
                + "{{ f(1, 2, a=3) }}"));
        assertEquals("3", render("{% macro fact(n) %}{% if n > 1 %}{{ n }}{% else %}1{% endif %}{% endmacro %}"
                + "{{ fact(3) }}"));
    }

    @Test
    void shouldPassTheCallBlockBodyAsCaller() {
        assertEquals("[inner]", render("{% macro wrap() %}[{{ caller() }}]{% endmacro %}"
                + "{% call wrap() %}inner{% endcall %}"));
        assertEquals("<v=8>", render("{% macro row(x) %}<{{ caller(x * 2) }}>{% endmacro %}"
                + "{% call(v) row(4) %}v={{ v }}{% endcall %}"));
    }

    @Test
    void shouldFilterABlock() {
        assertEquals("ABC HELLO", render("{% filter upper %}abc {{ s }}{% endfilter %}", "s", "hello"));
    }

    @Test
    void shouldRenderTheBodyOfTransformersGenerationTag() {
        assertEquals("gen 1", render("{% generation %}gen {{ 1 }}{% endgeneration %}"));
    }

    @Test
    void shouldRenderCommentsAsNothing() {
        assertEquals("xy", render("{{ 'x' }}{# a\nmultiline\ncomment #}\n{{ 'y' }}"));
    }
}
