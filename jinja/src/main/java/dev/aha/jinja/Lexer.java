package dev.aha.jinja;

import dev.aha.jinja.Token.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Splits a template into tokens the way Jinja2's lexer does with the options transformers sets
 * ({@code trim_blocks=True, lstrip_blocks=True}, {@code keep_trailing_newline=False}):
 * <ul>
 *   <li>line breaks are normalised to {@code \n} (Python's {@code splitlines}) and one trailing line break is dropped;
 *   <li>{@code {%-}/{{-}/{#-} strip all whitespace before the tag, {@code -%}}/{@code -}}}/{@code -#}} all after it;
 *   <li>trim_blocks: the first newline after a block or comment tag is removed ({@code +%}} keeps it);
 *   <li>lstrip_blocks: spaces and tabs from the start of a line up to a block or comment tag are removed
 *       ({@code {%+} keeps them); never before {@code {{}.
 * </ul>
 * Whitespace control is applied here, to the text tokens, so the parser and renderer never see it.
 */
final class Lexer {

    /** Longest first, so {@code //} wins over {@code /}. */
    private static final String[] OPERATORS = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[",
        "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};

    private static final Pattern RAW_BEGIN = Pattern.compile("\\{%[-+]?\\s*raw\\s*(-?)%}");
    private static final Pattern RAW_END = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}");

    private final String src;
    private final int[] newlines;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;

    private Lexer(String src) {
        this.src = src;
        this.newlines = IntStream.range(0, src.length()).filter(i -> src.charAt(i) == '\n').toArray();
    }

    static List<Token> tokenize(String source) {
        return new Lexer(normalizeNewlines(source)).run();
    }

    /** {@code "\n".join(source.splitlines())}: every Python line boundary becomes {@code \n}, a final one is dropped. */
    static String normalizeNewlines(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int n = source.length();
        for (int i = 0; i < n; i++) {
            char c = source.charAt(i);
            if (PyStrings.isLineBoundary(c)) {
                if (c == '\r' && i + 1 < n && source.charAt(i + 1) == '\n') {
                    i++;
                }
                if (i + 1 < n) {
                    out.append('\n');
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private List<Token> run() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            if (tag == src.length()) {
                addData(src.substring(pos), pos);
                break;
            }
            char type = src.charAt(tag + 1);
            char control = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            Matcher raw = type == '%' ? RAW_BEGIN.matcher(src).region(tag, src.length()) : null;
            boolean isRaw = raw != null && raw.lookingAt();
            addData(stripBeforeTag(src.substring(pos, tag), pos, type == '{', control), pos);
            if (type == '#') {
                comment(tag, control);
            } else if (isRaw) {
                raw(tag, raw.end(), !raw.group(1).isEmpty());
            } else {
                tag(tag, type, control);
            }
        }
        tokens.add(new Token(Kind.EOF, "", lineAt(src.length())));
        return tokens;
    }

    private int nextTagStart(int from) {
        for (int i = from; i + 1 < src.length(); i++) {
            if (src.charAt(i) == '{') {
                char next = src.charAt(i + 1);
                if (next == '{' || next == '%' || next == '#') {
                    return i;
                }
            }
        }
        return src.length();
    }

    /** Whitespace control on the text before a tag: {@code -} strips it all, lstrip_blocks strips an indent. */
    private String stripBeforeTag(String text, int textStart, boolean variable, char control) {
        if (control == '-') {
            return PyStrings.rstrip(text);
        }
        if (control == '+' || variable) {
            return text;
        }
        int lineStart = text.lastIndexOf('\n') + 1;
        boolean atLineStart = lineStart > 0 || textStart == 0 || src.charAt(textStart - 1) == '\n';
        if (atLineStart && lineStart < text.length() && isBlank(text, lineStart)) {
            return text.substring(0, lineStart);
        }
        return text;
    }

    private static boolean isBlank(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!PyStrings.isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private void comment(int tag, char control) {
        int contentStart = tag + 2 + (control == '-' || control == '+' ? 1 : 0);
        int end = src.indexOf("#}", contentStart);
        if (end < 0) {
            throw new JinjaException("unclosed comment: missing '#}'", lineAt(tag));
        }
        char before = end > contentStart ? src.charAt(end - 1) : 0;
        pos = end + 2;
        afterBlockEnd(before);
    }

    private void raw(int tag, int bodyStart, boolean stripAfterBegin) {
        Matcher end = RAW_END.matcher(src);
        if (!end.find(bodyStart)) {
            throw new JinjaException("unclosed {% raw %}: missing {% endraw %}", lineAt(tag));
        }
        int start = bodyStart;
        if (stripAfterBegin) {
            while (start < end.start() && PyStrings.isSpace(src.charAt(start))) {
                start++;
            }
        }
        String control = end.group(1);
        addData(stripBeforeTag(src.substring(start, end.start()), start, false, control.isEmpty() ? 0 : control.charAt(0)),
                start);
        pos = end.end();
        afterBlockEnd(end.group(2).isEmpty() ? 0 : end.group(2).charAt(0));
    }

    private void tag(int tag, char type, char control) {
        boolean variable = type == '{';
        String close = variable ? "}}" : "%}";
        int line = lineAt(tag);
        tokens.add(new Token(variable ? Kind.VARIABLE_BEGIN : Kind.BLOCK_BEGIN, variable ? "{{" : "{%", line));
        pos = tag + 2 + (control == '-' || control == '+' ? 1 : 0);
        Deque<Character> brackets = new ArrayDeque<>();
        while (true) {
            while (pos < src.length() && PyStrings.isSpace(src.charAt(pos))) {
                pos++;
            }
            if (pos >= src.length()) {
                throw new JinjaException("unclosed tag: '" + (variable ? "{{" : "{%") + "' opened on line " + line
                        + " has no '" + close + "'", lineAt(src.length()));
            }
            if (brackets.isEmpty()) {
                if (src.startsWith("-" + close, pos)) {
                    addEnd(variable, close);
                    pos += 3;
                    afterBlockEnd('-');
                    return;
                }
                if (!variable && src.startsWith("+" + close, pos)) {
                    addEnd(false, close);
                    pos += 3;
                    return;
                }
                if (src.startsWith(close, pos)) {
                    addEnd(variable, close);
                    pos += 2;
                    if (!variable) {
                        afterBlockEnd((char) 0);
                    }
                    return;
                }
            }
            token(brackets);
        }
    }

    private void addEnd(boolean variable, String close) {
        tokens.add(new Token(variable ? Kind.VARIABLE_END : Kind.BLOCK_END, close, lineAt(pos)));
    }

    /** After a block or comment tag: {@code -} eats all whitespace, trim_blocks one newline, {@code +} nothing. */
    private void afterBlockEnd(char control) {
        if (control == '-') {
            while (pos < src.length() && PyStrings.isSpace(src.charAt(pos))) {
                pos++;
            }
        } else if (control != '+' && pos < src.length() && src.charAt(pos) == '\n') {
            pos++;
        }
    }

    private void token(Deque<Character> brackets) {
        char c = src.charAt(pos);
        int line = lineAt(pos);
        if (c == '_' || Character.isUnicodeIdentifierStart(c)) {
            int start = pos;
            while (pos < src.length() && (src.charAt(pos) == '_' || Character.isUnicodeIdentifierPart(src.charAt(pos)))) {
                pos++;
            }
            tokens.add(new Token(Kind.NAME, src.substring(start, pos), line));
        } else if (c >= '0' && c <= '9') {
            number(line);
        } else if (c == '\'' || c == '"') {
            string(c, line);
        } else {
            for (String op : OPERATORS) {
                if (src.startsWith(op, pos)) {
                    balance(brackets, op.charAt(0), line);
                    tokens.add(new Token(Kind.OPERATOR, op, line));
                    pos += op.length();
                    return;
                }
            }
            throw new JinjaException("unexpected character '" + c + "'", line);
        }
    }

    private static void balance(Deque<Character> brackets, char c, int line) {
        switch (c) {
            case '(' -> brackets.push(')');
            case '[' -> brackets.push(']');
            case '{' -> brackets.push('}');
            case ')', ']', '}' -> {
                if (brackets.isEmpty()) {
                    throw new JinjaException("unexpected '" + c + "'", line);
                }
                char expected = brackets.pop();
                if (expected != c) {
                    throw new JinjaException("unexpected '" + c + "', expected '" + expected + "'", line);
                }
            }
            default -> { }
        }
    }

    /** Jinja's integer and float literals: {@code 42}, {@code 1_000}, {@code 0x1f}, {@code 2.5}, {@code 1e3}. */
    private void number(int line) {
        int start = pos;
        if (src.charAt(pos) == '0' && pos + 1 < src.length() && "xXoObB".indexOf(src.charAt(pos + 1)) >= 0) {
            pos += 2;
            while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
            tokens.add(new Token(Kind.INTEGER, src.substring(start, pos).replace("_", ""), line));
            return;
        }
        digits();
        boolean isFloat = false;
        // a number right after a dot (items.0.1) is an attribute index, never a fraction
        boolean afterDot = start > 0 && src.charAt(start - 1) == '.';
        if (!afterDot && pos + 1 < src.length() && src.charAt(pos) == '.' && isDigit(pos + 1)) {
            pos++;
            digits();
            isFloat = true;
        }
        if (!afterDot && pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int mark = pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (isDigit(pos)) {
                digits();
                isFloat = true;
            } else {
                pos = mark;
            }
        }
        tokens.add(new Token(isFloat ? Kind.FLOAT : Kind.INTEGER, src.substring(start, pos).replace("_", ""), line));
    }

    private void digits() {
        while (pos < src.length() && (isDigit(pos) || (src.charAt(pos) == '_' && isDigit(pos + 1)))) {
            pos++;
        }
    }

    private boolean isDigit(int at) {
        return at < src.length() && src.charAt(at) >= '0' && src.charAt(at) <= '9';
    }

    private void string(char quote, int line) {
        int i = pos + 1;
        while (i < src.length() && src.charAt(i) != quote) {
            i += src.charAt(i) == '\\' ? 2 : 1;
        }
        if (i >= src.length()) {
            throw new JinjaException("unterminated string literal", line);
        }
        tokens.add(new Token(Kind.STRING, StringEscapes.unescape(src.substring(pos + 1, i), line), line));
        pos = i + 1;
    }

    private void addData(String text, int start) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Kind.DATA, text, lineAt(start)));
        }
    }

    private int lineAt(int offset) {
        int found = Arrays.binarySearch(newlines, offset);
        return (found >= 0 ? found : -found - 1) + 1;
    }
}
