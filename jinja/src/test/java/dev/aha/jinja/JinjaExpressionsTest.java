package dev.aha.jinja;

import static dev.aha.jinja.Render.render;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Literals, operators, access, string methods and how values print; expected strings are Python Jinja2's. */
class JinjaExpressionsTest {

    private static final List<Integer> L = List.of(3, 1, 2);

    @Test
    void shouldPrintValuesAsPythonsStr() {
        assertEquals("None|True|1.0|[1, 'a', None]|{'a': 1}|1e+20|0.30000000000000004|(1,)|()|(1, 2)",
                render("{{ none }}|{{ True }}|{{ 1.0 }}|{{ [1,'a',none] }}|{{ {'a':1} }}|{{ 1e20 }}|{{ 0.1+0.2 }}|"
                        + "{{ (1,) }}|{{ () }}|{{ (1,2) }}"));
        assertEquals("0.3333333333333333 1.4142135623730951 1e-05 1.2345678901234568e+17 1e+16 1000000000000000.0 "
                + "-0.0 100.0", render("{{ 1/3 }} {{ 2**0.5 }} {{ 1e-5 }} {{ 123456789012345678.0 }} {{ 1e16 }} "
                + "{{ 1e15 }} {{ -0.0 }} {{ 100.0 }}"));
        assertEquals("it's [\"it's\", 'q\"', 'a\\nb', 'tab\\t', 'é', '\\x01']",
                render("{{ \"it's\" }} {{ ['it\\'s', \"q\\\"\", 'a\\nb', 'tab\\t', 'é', '\\x01'] }}"));
    }

    @Test
    void shouldConvertJavaValuesToPythonOnes() {
        assertEquals("7 2.5 2.5 True None ['x'] 9", render("{{ i }} {{ f }} {{ big }} {{ t }} {{ n }} {{ arr }} {{ c }}",
                "i", 7, "f", 2.5f, "big", new BigDecimal("2.5"), "t", true, "n", null, "arr",
                new String[] {"x"}, "c", 9L));
    }

    @Test
    void shouldParseLiterals() {
        assertEquals("a\tbéAA•\\d|xy|31 1000 1500.0 1000.0 5 15", render("{{ 'a\\tb\\u00e9\\x41\\101\\N{BULLET}\\d' }}|"
                + "{{ \"x\" 'y' }}|{{ 0x1f }} {{ 1_000 }} {{ 1.5e3 }} {{ 1e3 }} {{ 0b101 }} {{ 0o17 }}"));
        assertEquals("[1, 2]{'a': 1, 'b': [2]}TrueFalseNoneTrue",
                render("{{ [1, 2,] }}{{ {'a': 1, 'b': [2],} }}{{ True }}{{ False }}{{ None }}{{ true }}"));
        assertEquals("multi\nline", render("{% set x = 'multi\nline' %}{{ x }}"));
    }

    @Test
    void shouldDoPythonArithmetic() {
        assertEquals("-2 1 1.5 2.0 1024 0.5 -2 0.5 3.0", render("{{ -3 // 2 }} {{ -3 % 2 }} {{ 3 / 2 }} {{ 4 / 2 }} "
                + "{{ 2 ** 10 }} {{ 2 ** -1 }} {{ 7 % -3 }} {{ -7.5 % 2 }} {{ 7.5 // 2 }}"));
        assertEquals("a1None|aaa|[1, 1]|2|[1, 2]|abcd|xxx", render("{{ 'a' ~ 1 ~ none ~ u }}|{{ 'a' * 3 }}|"
                + "{{ [1] * 2 }}|{{ 1 + True }}|{{ [1]+[2] }}|{{ 'ab' + 'cd' }}|{{ 3 * 'x' }}"));
        assertEquals("5.09185", render("{{ 1 + 2 * 3 - 4 / 2 }}{{ (1 + 2) * 3 }}{{ 2 * 3 ** 2 }}{{ 10 - 2 - 3 }}"));
        assertEquals("4 4 -1[-1, -2] 4", render("{{ 5 -1 }} {{ 5-1 }} {{ -1 }}{{ [-1, - 2] }} {{ -2 ** 2 }}"));
    }

    @Test
    void shouldCompareAndTestMembershipLikePython() {
        assertEquals("TrueFalseTrueTrueTrueTrueTrueTrueTrueTrueFalse", render("{{ 1 < 2 < 3 }}{{ 1 < 3 < 2 }}"
                + "{{ 'a' < 'b' }}{{ [1,2] < [1,3] }}{{ 1 == 1.0 }}{{ 1 == True }}{{ 'a' in 'cat' }}{{ 2 in l }}"
                + "{{ 'a' in d }}{{ 'z' not in d }}{{ 'x' in u }}", "l", L, "d", Render.sampleDict()));
        assertEquals("True", render("{{ '\uffff' < '🧮' }}"));
    }

    @Test
    void shouldReturnOperandsFromAndOr() {
        assertEquals("2|0|x|[]|True|True|5", render("{{ 1 and 2 }}|{{ 0 and 2 }}|{{ 0 or 'x' }}|{{ '' or [] }}|"
                + "{{ not 0 }}|{{ not [] }}|{{ none or 5 }}"));
    }

    @Test
    void shouldEvaluateConditionalExpressions() {
        assertEquals("yesn|3", render("{{ 'yes' if t else 'no' }}{{ 'y' if not t else 'n' }}{{ 'a' if false }}|"
                + "{{ 1 if 0 else 2 if 0 else 3 }}", "t", true));
        assertEquals("nd", render("{{ ns.a if ns is defined else 'nd' }}"));
    }

    @Test
    void shouldBindFiltersTighterThanArithmeticAndNotLooserThanTests() {
        assertEquals("2|False|True", render("{{ l | length - 1 }}|{{ not l | length }}|{{ not u is defined }}",
                "l", L));
    }

    @Test
    void shouldSliceAndIndexLikePython() {
        assertEquals("[2, 1, 3]2[1, 2][3, 1][3, 2]|dlroW olleHelrld[][3][2, 1]", render("{{ l[::-1] }}{{ l[-1] }}"
                + "{{ l[1:] }}{{ l[:-1] }}{{ l[::2] }}{{ l[5] }}|{{ s[::-1] }}{{ s[1:3] }}{{ s[-3:] }}{{ l[10:] }}"
                + "{{ l[-10:1] }}{{ l[2:0:-1] }}", "l", L, "s", "Hello World"));
        assertEquals("🧮ab3ba🧮", render("{{ '🧮ab'[0] }}{{ '🧮ab'[1:] }}{{ '🧮ab'|length }}{{ '🧮ab'[::-1] }}"));
        assertEquals("0system1user", render("{% for message in m[::-1] %}{{ loop.index0 }}{{ message.role }}"
                + "{% endfor %}", "m", List.of(Map.of("role", "user"), Map.of("role", "system"))));
    }

    @Test
    void shouldReadAttributesBeforeKeysAndKeysBeforeAttributes() {
        Map<String, Object> d = Render.sampleDict();
        assertEquals("2|1||", render("{{ d['items'] }}|{{ d.a }}|{{ d.zz }}|{{ d['zz'] }}", "d", d));
        assertEquals("[('a', 1), ('items', 2), ('b', [1, 2])]", render("{{ d.items()|list }}", "d", d));
        assertEquals("3y2", render("{{ l.0 }}{{ m[0]['role'] }}{{ d['b'][1] }}", "l", L, "d", d,
                "m", List.of(Map.of("role", "y"))));
        assertEquals("||", render("{{ l.length }}|{{ s.foo }}|{{ n.foo }}", "l", L, "s", "x", "n", null));
        assertEquals("", render("{{ d.pop }}{{ l.__class__ }}", "d", d, "l", L));
    }

    @Test
    void shouldCallDictMethods() {
        assertEquals("1None9[1, 2, [1, 2]]['a', 'items', 'b']", render("{{ d.get('a') }}{{ d.get('zz') }}"
                + "{{ d.get('zz', 9) }}{{ d.values() | list }}{{ d.keys() | list }}", "d", Render.sampleDict()));
    }

    @Test
    void shouldCallStringMethods() {
        String s = "Hello World";
        assertEquals("TrueTrue['Hello', 'World']['a', 'b']['a', 'b', '', 'c']['a', 'b,c']['a', 'b c ']['a,b', 'c']",
                render("{{ s.startswith('He') }}{{ s.endswith(('x','ld')) }}{{ s.split() }}{{ '  a  b '.split() }}"
                        + "{{ 'a,b,,c'.split(',') }}{{ 'a,b,c'.split(',', 1) }}{{ ' a b c '.split(None, 1) }}"
                        + "{{ 'a,b,c'.rsplit(',', 1) }}", "s", s));
        assertEquals("x|hi|hi\n|hi|hi |c", render("{{ '\\n x \\n'.strip() }}|{{ 'xxhixx'.strip('x') }}|"
                + "{{ '\\n\\nhi\\n'.lstrip('\\n') }}|{{ 'hi\\n\\n'.rstrip('\\n') }}|{{ ' hi '.lstrip() }}|"
                + "{{ 'abcba'.strip('ab') }}"));
        assertEquals("HELLO WORLDhello worldHello WorldThey'Re Bill'SHelloHeLLo WorLdHeLLo World-a-b-c-",
                render("{{ s.upper() }}{{ s.lower() }}{{ 'hello world'.title() }}{{ \"they're bill's\".title() }}"
                        + "{{ 'hELLO'.capitalize() }}{{ s.replace('l', 'L') }}{{ s.replace('l', 'L', 2) }}"
                        + "{{ 'abc'.replace('', '-') }}", "s", s));
        assertEquals("47-13a-bbcabTrue['a', 'b', 'c']", render("{{ s.find('o') }}{{ s.rfind('o') }}{{ s.find('z') }}"
                + "{{ s.count('l') }}{{ '-'.join(['a','b']) }}{{ 'abc'.removeprefix('a') }}"
                + "{{ 'abc'.removesuffix('c') }}{{ '12'.isdigit() }}{{ 'a\\nb\\r\\nc'.splitlines() }}", "s", s));
        assertEquals("x, two, 'y' {} 1-0", render("{{ '{}, {n}, {!r} {{}}'.format('x', 'y', n='two') }} "
                + "{{ '{1}-{0}'.format(0, 1) }}"));
    }

    @Test
    void shouldSplitThinkingLikeQwen3sTemplate() {
        assertEquals("x|r", render("{{ '</think>x'.split('</think>')[-1].lstrip('\\n') }}|{{ 'a<think>\\nr\\n</think>b'"
                + ".split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}"));
    }

    @Test
    void shouldTreatUndefinedAsFalsyEmptyAndIterableAsEmpty() {
        assertEquals("||0|True|empty", render("{{ u }}|{{ u and 1 }}|{{ u|length }}|{{ u == v }}|"
                + "{% for x in u %}x{% else %}empty{% endfor %}"));
        assertEquals("missing", render("{% if d.nope %}x{% else %}missing{% endif %}", "d", Render.sampleDict()));
    }

    @Test
    void shouldOfferRangeAndDictGlobals() {
        assertEquals("[0, 1, 2][1, 3, 5][5, 3, 1]", render("{{ range(3)|list }}{{ range(1, 7, 2)|list }}"
                + "{{ range(5, 0, -2)|list }}"));
        assertEquals("{'a': 1}{'a': 1, 'b': 2}", render("{{ dict(a=1) }}{{ dict([('a', 1)], b=2) }}"));
    }

    @Test
    void shouldFormatTheDateForStrftimeNow() {
        String before = java.time.LocalDate.now().toString();
        String rendered = render("{{ strftime_now('%Y-%m-%d') }}");
        String after = java.time.LocalDate.now().toString();
        assertEquals(true, rendered.equals(before) || rendered.equals(after), rendered);
        assertEquals("%", render("{{ strftime_now('%%') }}"));
    }
}
