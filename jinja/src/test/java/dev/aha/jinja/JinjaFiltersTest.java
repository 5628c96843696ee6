package dev.aha.jinja;

import static dev.aha.jinja.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Filters, tests and transformers' tojson; expected strings are Python Jinja2's output. */
class JinjaFiltersTest {

    private static final List<Integer> L = List.of(3, 1, 2);
    private static final List<Map<String, Object>> M = List.of(message("user", "x"), message("system", "y"));

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    @Test
    void shouldApplySequenceFilters() {
        assertEquals("3113032H3-1-2312[1, 2, 3][3, 2, 1][2, 1, 3]dlroW olleH", render("{{ l|length }}{{ s|length }}"
                + "{{ d|length }}{{ u|length }}{{ l|first }}{{ l|last }}{{ s|first }}{{ l|join('-') }}{{ l|join }}"
                + "{{ l|sort }}{{ l|sort(reverse=true) }}{{ l|reverse|list }}{{ s|reverse }}",
                "l", L, "s", "Hello World", "d", Render.sampleDict()));
        assertEquals("['a', 'items', 'b']['H', 'i']6[1, 2]3", render("{{ d|list }}{{ 'Hi'|list }}{{ l|sum }}"
                + "{{ [1,2,1]|unique|list }}{{ l|count }}", "l", L, "d", Render.sampleDict()));
        assertEquals("['c', 'b', 'A']['A', 'b', 'c']", render("{{ ['c', 'A', 'b']|sort(reverse=true) }}"
                + "{{ ['c', 'A', 'b']|sort(case_sensitive=true) }}"));
        assertEquals("['al', 'Bo']", render("{{ m|sort(attribute='name')|map(attribute='name')|list }}",
                "m", List.of(Map.of("name", "Bo"), Map.of("name", "al"))));
    }

    @Test
    void shouldApplyStringFilters() {
        assertEquals("x|hi|HELLO WORLD|hello world|Hello World-Foo(Bar|Hello|5|None|[1]", render("{{ '  x  '|trim }}|"
                + "{{ 'xxhixx'|trim('x') }}|{{ s|upper }}|{{ s|lower }}|{{ 'hello wORLD-foo(bar'|title }}|"
                + "{{ 'hELLO'|capitalize }}|{{ 5|string }}|{{ none|string }}|{{ [1]|string }}", "s", "Hello World"));
        assertEquals("aBcfivebba", render("{{ 'abc'|replace('b', 'B') }}{{ 5|replace('5', 'five') }}"
                + "{{ 'aaa'|replace('a', 'b', 2) }}"));
        assertEquals("&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;|<b>", render("{{ '<a href=\"x\">&\\'</a>'|escape }}|"
                + "{{ '<b>'|safe }}"));
        assertEquals("a\n    b\n\n    c|  a\n  b|a\n>\n>b", render("{{ 'a\\nb\\n\\nc'|indent }}|"
                + "{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent('>', blank=true) }}"));
    }

    @Test
    void shouldApplyDefaultOnlyToUndefinedUnlessAskedForFalsy() {
        assertEquals("dNonedx0", render("{{ u|default('d') }}{{ n|default('d') }}{{ ''|default('d', true) }}"
                + "{{ e|d('x', boolean=true) }}{{ 0|default(5) }}", "n", null, "e", ""));
    }

    @Test
    void shouldConvertNumbers() {
        assertEquals("424094-4313.50.03.01", render("{{ '42'|int }}{{ '4.7'|int }}{{ 'x'|int }}{{ 'x'|int(9) }}"
                + "{{ 4.7|int }}{{ -4.7|int }}{{ '0x1f'|int(0, 16) }}{{ '3.5'|float }}{{ 'x'|float }}{{ 3|float }}"
                + "{{ true|int }}"));
        assertEquals("31 -3 10 0 4 35 12 0 0 1000", render("{{ '0x1f'|int(base=0) }} {{ '-0b11'|int(base=0) }} "
                + "{{ ' 1_0 '|int }} {{ 'a'|int(base='x') }} {{ '4.5'|int(base='x') }} {{ 'z'|int(base=36) }} "
                + "{{ '12'|int(base=1) }} {{ none|int }} {{ '--5'|int }} {{ '1e3'|int }}"));
        assertEquals("32.572.033.0", render("{{ -3|abs }}{{ 2.567|round(2) }}{{ 2.5|round }}{{ 3|round }}"
                + "{{ 2.1|round(0, 'ceil') }}"));
    }

    @Test
    void shouldSelectMapAndPairItems() {
        assertEquals("[('a', 1), ('items', 2), ('b', [1, 2])][]", render("{{ d|items|list }}{{ u|items|list }}",
                "d", Render.sampleDict()));
        assertEquals("['user', 'system'][{'role': 'user', 'content': 'x'}]y", render("{{ m|map(attribute='role')|list }}"
                + "{{ m|selectattr('role', 'equalto', 'user')|list }}"
                + "{{ m|rejectattr('role', 'eq', 'user')|map(attribute='content')|join }}", "m",
                List.of(message("user", "x"), message("system", "y"))));
        assertEquals("[3, 1][2]['a', 'b']1", render("{{ l|select('odd')|list }}{{ l|reject('odd')|list }}"
                + "{{ ['A','b']|map('lower')|list }}{{ m|selectattr('role', 'in', ['user'])|list|length }}",
                "l", L, "m", M));
    }

    @Test
    void shouldDumpJsonAsPythonJsonDumps() {
        assertEquals("{\"a\": 1, \"items\": 2, \"b\": [1, 2]}|[3, 1, 2]|\"é\\\"\\n\\u0001\"", render("{{ d|tojson }}|"
                + "{{ l|tojson }}|{{ 'é\"\\n\\u0001'|tojson }}", "d", Render.sampleDict(), "l", L));
        assertEquals("{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": 1.0,\n  \"t\": true\n}|[]|"
                + "{\n\"x\": []\n}", render("{{ {'a': [1, {'b': none}], 'c': 1.0, 't': true}|tojson(indent=2) }}|"
                + "{{ []|tojson(indent=2) }}|{{ {'x': []}|tojson(indent=0) }}"));
        assertEquals("{\"a\": 2, \"b\": 1}|{\"a\":1}|\"\\u00e9\\ud83e\\uddee\"|[1, 2]|{\n\t\"a\": 1\n}",
                render("{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}|{{ {'a': 1}|tojson(separators=(',', ':')) }}|"
                        + "{{ 'é🧮'|tojson(ensure_ascii=true) }}|{{ (1, 2)|tojson }}|{{ {'a': 1}|tojson(indent='\\t') }}"));
        assertEquals("{\"1\": Infinity, \"null\": 0.5} NaN", render("{{ {1: n, true: i, none: h}|tojson }} "
                + "{{ n|tojson }}", "n", Double.NaN, "i", Double.POSITIVE_INFINITY, "h", 0.5));
    }

    @Test
    void shouldApplyTests() {
        assertEquals("TrueTrueTrueFalseTrueTrueTrueTrueTrueTrueTrueFalse", render("{{ not u is defined }}"
                + "{{ u is not defined }}{{ n is none }}{{ n is not none }}{{ s is string }}{{ d is mapping }}"
                + "{{ l is iterable }}{{ 1 is number }}{{ t is number }}{{ 1.5 is float }}{{ 1 is integer }}"
                + "{{ t is integer }}", "n", null, "s", "x", "d", Render.sampleDict(), "l", L, "t", true));
        assertEquals("TrueFalseTrueFalseTrueTrueTrueTrueTrueTrueTrueTrueTrueTrue", render("{{ t is true }}"
                + "{{ 1 is true }}{{ false is false }}{{ 0 is false }}{{ t is sameas true }}{{ n is sameas none }}"
                + "{{ 4 is divisibleby 2 }}{{ 3 is odd }}{{ 4 is even }}{{ 3 is in l }}{{ 'ab' is lower }}"
                + "{{ 'AB' is upper }}{{ s is sequence }}{{ u is iterable }}", "n", null, "s", "x", "l", L, "t", true));
        assertEquals("TrueTrueTrueTrueTrueFalseFalse", render("{{ 1 is eq 1 }}{{ 1 is ne 2 }}{{ 1 is lt 2 }}"
                + "{{ 2 is gt 1 }}{{ 2 is ge 2 }}{{ 2 is le 1 }}{{ x is defined }}"));
        assertEquals("TrueFalse", render("{{ range is callable }}{{ ns is boolean }}"));
    }
}
