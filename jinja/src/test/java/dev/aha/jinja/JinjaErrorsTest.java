package dev.aha.jinja;

import static dev.aha.jinja.Render.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every way a template can fail says why, and on which line. */
class JinjaErrorsTest {

    private static void assertFails(String template, int line, String reason, Object... context) {
        JinjaException e = failure(template, context);
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals("line " + line + ": " + reason, e.getMessage());
    }

    @Test
    void shouldReportTheLineOfTheInnermostFailingStatement() {
        assertFails("a\n{% for m in ms %}\n  {{ m.content.x.y }}\n{% endfor %}", 3,
                "'dict object' has no attribute 'x'", "ms", List.of(Map.of("content", Map.of())));
        assertFails("{% if true %}\n\n  {{ 1 / 0 }}{% endif %}", 3, "ZeroDivisionError: division by zero");
    }

    @Test
    void shouldFailOnReadingThroughAnUndefinedValue() {
        assertFails("{{ u.x }}", 1, "'u' is undefined");
        assertFails("\n{{ d.zz.x }}", 2, "'dict object' has no attribute 'zz'", "d", Map.of());
        assertFails("{{ l[5].x }}", 1, "list object has no element 5", "l", List.of(1));
        assertFails("{{ u + 1 }}", 1, "'u' is undefined");
        assertFails("{{ u() }}", 1, "'u' is undefined");
        assertFails("{{ 'a' if false }}{{ ('a' if false).x }}", 1,
                "the inline if-expression on line 1 evaluated to false and no else section was defined.");
        assertFails("{{ [][0:1]|first|upper }}{{ ([]|first).x }}", 1, "No first item, sequence was empty.");
    }

    @Test
    void shouldRaiseTheTemplatesOwnException() {
        assertFails("{% if messages[0].role != 'user' %}\n{{ raise_exception('Conversation roles must alternate') }}\n"
                + "{% endif %}", 2, "Conversation roles must alternate", "messages", List.of(Map.of("role", "bot")));
    }

    @Test
    void shouldFailOnTypeErrorsAsPythonDoes() {
        assertFails("{{ 1 + 'a' }}", 1, "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
        assertFails("{{ 'a' + 1 }}", 1, "TypeError: can only concatenate str (not \"int\") to str");
        assertFails("{{ 'a' < 1 }}", 1, "TypeError: '<' not supported between instances of 'str' and 'int'");
        assertFails("{{ 1 in 'abc' }}", 1, "TypeError: 'in <string>' requires string as left operand, not int");
        assertFails("{{ 'x' in n }}", 1, "TypeError: argument of type 'NoneType' is not iterable", "n", null);
        assertFails("{% for x in n %}{% endfor %}", 1, "TypeError: 'NoneType' object is not iterable", "n", null);
        assertFails("{{ n|length }}", 1, "TypeError: object of type 'NoneType' has no len()", "n", null);
        assertFails("{{ s() }}", 1, "TypeError: 'str' object is not callable", "s", "x");
        assertFails("{{ -'a' }}", 1, "TypeError: bad operand type for unary -: 'str'");
        assertFails("{{ 'a' * 'b' }}", 1, "TypeError: can't multiply sequence by non-int of type 'str'");
        assertFails("{{ [1][1:'a'] }}", 1,
                "TypeError: slice indices must be integers or None or have an __index__ method");
        assertFails("{{ {[1]: 2} }}", 1, "TypeError: unhashable type: 'list'");
        assertFails("{{ 's'.startswith(['s']) }}", 1, "TypeError: startswith first arg must be str or a tuple of str, "
                + "not list");
        assertFails("{{ ','.join([1]) }}", 1, "TypeError: sequence item 0: expected str instance, int found");
        assertFails("{{ 1|abs(2) }}", 1, "TypeError: abs() takes at most 0 arguments (1 given)");
        assertFails("{{ 'a'.split(sepp=',') }}", 1, "TypeError: str.split() got an unexpected keyword argument 'sepp'");
    }

    @Test
    void shouldFailOnArithmeticErrors() {
        assertFails("{{ 1 / 0 }}", 1, "ZeroDivisionError: division by zero");
        assertFails("{{ 1 // 0 }}", 1, "ZeroDivisionError: integer division or modulo by zero");
        assertFails("{{ 1.5 % 0 }}", 1, "ZeroDivisionError: float floor division by zero");
        assertFails("{{ 2 ** 64 }}", 1, "OverflowError: integer result of 2 ** 64 does not fit in 64 bits");
    }

    @Test
    void shouldFailOnBadAssignments() {
        assertFails("{% set k, v = [1] %}", 1, "ValueError: not enough values to unpack (expected 2, got 1)");
        assertFails("{% for a, b in [(1, 2, 3)] %}{% endfor %}", 1, "ValueError: too many values to unpack (expected 2)");
        assertFails("{% set ns.a = 1 %}", 1, "cannot assign attribute on non-namespace object ('ns' is undefined)");
        assertFails("{% set ns = {} %}{% set ns.a = 1 %}", 1,
                "cannot assign attribute on non-namespace object ('ns' is a dict)");
    }

    @Test
    void shouldFailOnBadArgumentsToGlobalsFiltersAndMethods() {
        assertFails("{{ range(100001)|length }}", 1,
                "OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
        assertFails("{{ range(1, 2, 0) }}", 1, "ValueError: range() arg 3 must not be zero");
        assertFails("{{ 'a'.split('') }}", 1, "ValueError: empty separator");
        assertFails("{{ 'a'.zfill(3) }}", 1, "str.zfill() is not supported by this template interpreter");
        assertFails("{{ 'a'.replace('a') }}", 1, "TypeError: str.replace() missing required argument 'new'");
        assertFails("{{ [1]|tojson(indent=2, indent=3) }}", 1, "keyword argument repeated: indent");
        assertFails("{{ [1]|join(',', d='') }}", 1, "TypeError: join() got multiple values for argument 'd'");
        assertFails("{{ u|tojson }}", 1, "TypeError: Object of type Undefined is not JSON serializable");
        assertFails("{{ {(1, 2): 1}|tojson }}", 1, "TypeError: keys must be str, int, float, bool or None, not tuple");
        assertFails("{{ '{0} {}'.format(1, 2) }}", 1, "ValueError: cannot switch between automatic field numbering "
                + "and manual field specification");
        assertFails("{{ strftime_now('%Q') }}", 1, "strftime_now: directive %Q is not supported");
        assertFails("{% macro m(a) %}{% endmacro %}{{ m(1, a=2) }}", 1,
                "TypeError: macro 'm' got multiple values for argument 'a'");
    }

    @Test
    void shouldFailOnBadArgumentsToBuiltins() {
        assertFails("{{ 'ab' * 2000000000 }}", 1, "MemoryError: repeating a str of length 2 2000000000 times");
        assertFails("{{ dict(1, 2) }}", 1, "TypeError: dict expected at most 1 argument, got 2");
        assertFails("{{ dict([(1, 2, 3)]) }}", 1, "ValueError: dict update sequence element has length 3; 2 is required");
        assertFails("{{ range('a') }}", 1, "TypeError: 'str' object cannot be interpreted as an integer");
        assertFails("{{ range() }}", 1, "TypeError: range expected 1 to 3 positional arguments, got 0");
        assertFails("{{ [1]|tojson(separators=',') }}", 1, "TypeError: tojson separators must be a pair of strings");
        assertFails("{{ [1]|tojson(indent=[]) }}", 1, "TypeError: tojson indent must be an int or a string, not list");
        assertFails("{{ '{x}'.format() }}", 1, "KeyError: 'x'");
        assertFails("{{ '{1}'.format(0) }}", 1, "IndexError: Replacement index 1 out of range for positional args tuple");
        assertFails("{{ '{'.format() }}", 1, "ValueError: Single '{' encountered in format string");
        assertFails("{{ '}'.format() }}", 1, "ValueError: Single '}' encountered in format string");
        assertFails("{{ '{:>3}'.format(1) }}", 1,
                "str.format(): the field {:>3} is not supported (only {}, {0}, {name}, !r and !s)");
        assertFails("{{ 2.5|round(method='up') }}", 1, "method must be common, ceil or floor");
        assertFails("{{ 'a'|round }}", 1, "TypeError: type str doesn't define __round__ method");
        assertFails("{{ 'a'|abs }}", 1, "TypeError: bad operand type for abs(): 'str'");
        assertFails("{{ 'a'.strip(1) }}", 1, "TypeError: strip arg must be None or str");
        assertFails("{{ 'a'.split(1) }}", 1, "TypeError: must be str or None, not int");
        assertFails("{{ 'a'.replace(1, 'b') }}", 1, "TypeError: str.replace() argument must be str, not int");
        assertFails("{{ 'a'.split(',', 'x') }}", 1, "TypeError: str.split() argument must be int, not str");
        assertFails("{{ 0.0 ** -1 }}", 1, "ZeroDivisionError: 0.0 cannot be raised to a negative power");
        assertFails("{% for x in [1] %}{{ loop.cycle() }}{% endfor %}", 1, "TypeError: no items for cycling given");
        assertFails("{{ 5 is divisibleby }}", 1, "TypeError: divisibleby() missing required argument 'other'");
        assertFails("{{ [1]|join(attribute='x.y') }}", 1, "'int object' has no attribute 'x'");
        assertFails("{{ 1|items }}", 1, "TypeError: Can only get item pairs from a mapping.");
    }

    @Test
    void shouldFailEarlyWhereJinjaWouldFailOnceTheGeneratorIsConsumed() {
        assertFails("{{ [1]|map|list }}", 1, "map requires a filter argument");
        assertFails("{{ [1]|map('nope')|list }}", 1, "No filter named 'nope'.");
        assertFails("{{ [1]|select('nope')|list }}", 1, "No test named 'nope'.");
        assertFails("{{ [1]|selectattr|list }}", 1, "TypeError: Missing parameter for attribute name");
    }

    @Test
    void shouldStopEndlessMacroRecursion() {
        JinjaException e = failure("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}");
        assertTrue(e.reason().startsWith("recursion too deep"), e.getMessage());
    }

    @Test
    void shouldRejectUnknownFiltersAndTestsWhenParsing() {
        assertFails("\n\n{{ x|shout }}", 3, "no filter named 'shout'");
        assertFails("{% if x is purple %}{% endif %}", 1, "no test named 'purple'");
        assertFails("{{ x is sameas is none }}", 1, "cannot chain tests with 'is'");
    }

    @Test
    void shouldRejectUnclosedAndMismatchedTags() {
        assertFails("{% for x in l %}\n{{ x }}", 2,
                "unexpected end of template: '{% for %}' opened on line 1 is never closed (expected '{% endfor %}' or "
                        + "'{% else %}')");
        assertFails("{% if a %}\n{% for x in l %}\n{% endif %}", 3,
                "unexpected '{% endif %}': the innermost open block is '{% for %}' from line 2");
        assertFails("{% endfor %}", 1, "unknown tag 'endfor'");
        assertFails("{{ x\n", 1, "unclosed tag: '{{' opened on line 1 has no '}}'");
        assertFails("a {% if x", 1, "unclosed tag: '{%' opened on line 1 has no '%}'");
        assertFails("a {# note", 1, "unclosed comment: missing '#}'");
        assertFails("{% raw %}x", 1, "unclosed {% raw %}: missing {% endraw %}");
        assertFails("{% include 'x.j2' %}", 1, "the 'include' tag is not supported in chat templates here");
        assertFails("{% frobnicate %}", 1, "unknown tag 'frobnicate'");
        assertFails("{% break %}", 1, "'break' outside of a loop");
        assertFails("{% for x in l recursive %}{% endfor %}", 1, "recursive for loops are not supported");
        assertFails("{% for x on l %}{% endfor %}", 1, "expected 'in' in for loop, got 'on'");
        assertFails("{% set 1 = 2 %}", 1, "can't assign to '1'");
        assertFails("{% macro m(a=1, b) %}{% endmacro %}", 1, "non-default argument follows default argument");
        assertFails("{% call x %}{% endcall %}", 1, "expected a call after 'call'");
    }

    @Test
    void shouldRejectMalformedExpressions() {
        assertFails("{{ }}", 1, "expected an expression, got '}}'");
        assertFails("{{ a b }}", 1, "expected '}}', got 'b'");
        assertFails("{{ (1 }}", 1, "unexpected '}', expected ')'");
        assertFails("{{ 1) }}", 1, "unexpected ')'");
        assertFails("{{ 'abc }}", 1, "unterminated string literal");
        assertFails("{{ a ? b }}", 1, "unexpected character '?'");
        assertFails("{{ a. }}", 1, "expected a name or number after '.', got '}}'");
        assertFails("{{ a[] }}", 1, "expected an index or slice inside '[]'");
        assertFails("{{ f(a=1, 2) }}", 1, "positional argument follows keyword argument");
        assertFails("{{ 99999999999999999999 }}", 1, "integer literal 99999999999999999999 is not a valid 64-bit integer");
        assertFails("{{ '\\x4' }}", 1, "truncated \\xXX escape in string literal");
        assertFails("{{ '\\N{NO SUCH NAME}' }}", 1, "unknown Unicode character name in \\N escape: NO SUCH NAME");
        assertFails("{{ '\\U00110000' }}", 1, "illegal Unicode character in \\UXXXXXXXX escape");
    }

    @Test
    void shouldRejectContextValuesThatAreNotPlainData() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Render.render("{{ x }}", "x", List.of(new Object())));
        assertTrue(e.getMessage().startsWith("x[0]: a template value must be a map, list, string, number, boolean "
                + "or null"), e.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> Render.render("{{ x }}", "x", Map.of("n", java.math.BigInteger.TWO.pow(70))));
        assertEquals("x.n: integer 1180591620717411303424 does not fit in 64 bits", big.getMessage());
    }
}
