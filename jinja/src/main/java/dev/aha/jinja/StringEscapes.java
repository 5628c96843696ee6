package dev.aha.jinja;

/**
 * Backslash escapes in string literals, decoded as Jinja2 does: the literal is encoded with Python's
 * {@code backslashreplace} and decoded with {@code unicode-escape}. So {@code \n \t \x41 \u00e9 \N{BULLET}} work,
 * an unknown escape such as {@code \d} stays as written, and a backslash before a non-ASCII character keeps the
 * character's own escape spelled out ({@code \é} reads as backslash, {@code xe9}).
 */
final class StringEscapes {

    private StringEscapes() {}

    static String unescape(String raw, int line) {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '\\' || i + 1 >= raw.length()) {
                out.append(c);
                i++;
                continue;
            }
            char e = raw.charAt(i + 1);
            i += 2;
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> out.append(e);
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'x' -> i = hex(raw, i, 2, out, line);
                case 'u' -> i = hex(raw, i, 4, out, line);
                case 'U' -> i = hex(raw, i, 8, out, line);
                case 'N' -> i = named(raw, i, out, line);
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i - 1;
                        while (end < raw.length() && end < i + 2 && raw.charAt(end) >= '0' && raw.charAt(end) <= '7') {
                            end++;
                        }
                        out.appendCodePoint(Integer.parseInt(raw.substring(i - 1, end), 8));
                        i = end;
                    } else if (e > 0x7f) {
                        // backslashreplace turned the character into its own escape before decoding
                        int cp = raw.codePointAt(i - 1);
                        out.append('\\').append(cp <= 0xff ? String.format("x%02x", cp)
                                : cp <= 0xffff ? String.format("u%04x", cp) : String.format("U%08x", cp));
                        i += Character.charCount(cp) - 1;
                    } else {
                        out.append('\\').append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    private static int hex(String raw, int at, int digits, StringBuilder out, int line) {
        String kind = digits == 2 ? "\\xXX" : digits == 4 ? "\\uXXXX" : "\\UXXXXXXXX";
        if (at + digits > raw.length()) {
            throw new JinjaException("truncated " + kind + " escape in string literal", line);
        }
        String digitsText = raw.substring(at, at + digits);
        if (!digitsText.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            throw new JinjaException("truncated " + kind + " escape in string literal", line);
        }
        int cp = Integer.parseUnsignedInt(digitsText, 16);
        if (!Character.isValidCodePoint(cp)) {
            throw new JinjaException("illegal Unicode character in " + kind + " escape", line);
        }
        out.appendCodePoint(cp);
        return at + digits;
    }

    private static int named(String raw, int at, StringBuilder out, int line) {
        int close = raw.indexOf('}', at);
        if (at >= raw.length() || raw.charAt(at) != '{' || close < 0) {
            throw new JinjaException("malformed \\N character escape in string literal", line);
        }
        try {
            out.appendCodePoint(Character.codePointOf(raw.substring(at + 1, close)));
        } catch (IllegalArgumentException e) {
            throw new JinjaException("unknown Unicode character name in \\N escape: " + raw.substring(at + 1, close), line);
        }
        return close + 1;
    }
}
