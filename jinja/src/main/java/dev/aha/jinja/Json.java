package dev.aha.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(value, ensure_ascii, indent, separators, sort_keys)}, which is what transformers
 * installs as the {@code tojson} filter (Jinja's own one would HTML-escape). Defaults as in Python: separators
 * {@code ", "} and {@code ": "}, or {@code ","} and {@code ": "} once {@code indent} is given (even 0); floats as
 * Python prints them ({@code 1.0}, {@code NaN}); non-ASCII kept unless {@code ensure_ascii}.
 */
final class Json {

    private final boolean ensureAscii;
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;

    private Json(boolean ensureAscii, String indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        this.ensureAscii = ensureAscii;
        this.indent = indent;
        this.itemSeparator = itemSeparator;
        this.keySeparator = keySeparator;
        this.sortKeys = sortKeys;
    }

    /** The {@code tojson} filter: {@code tojson(ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
    static String dumps(Object value, Args args) {
        Args.Bound a = args.bind("tojson", "ensure_ascii", "indent", "separators", "sort_keys");
        Object indentArg = a.get(1, null);
        String indent;
        if (indentArg == null) {
            indent = null;
        } else if (indentArg instanceof String s) {
            indent = s;
        } else if (PyOps.asInt(indentArg) != null) {
            indent = " ".repeat((int) Math.max(0, PyOps.asInt(indentArg)));
        } else {
            throw new JinjaException("TypeError: tojson indent must be an int or a string, not "
                    + PyFormat.typeName(indentArg));
        }
        String items = indent == null ? ", " : ",";
        String keys = ": ";
        Object separators = a.get(2, null);
        if (separators != null) {
            if (!(separators instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String)
                    || !(pair.get(1) instanceof String)) {
                throw new JinjaException("TypeError: tojson separators must be a pair of strings");
            }
            items = (String) pair.get(0);
            keys = (String) pair.get(1);
        }
        Json json = new Json(PyOps.truthy(a.get(0, false)), indent, items, keys, PyOps.truthy(a.get(3, false)));
        StringBuilder out = new StringBuilder();
        json.write(value, 0, out);
        return out.toString();
    }

    private void write(Object value, int level, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Long l) {
            out.append(l);
        } else if (value instanceof Double d) {
            out.append(number(d));
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof List<?> list) {
            array(list, level, out);
        } else if (value instanceof Map<?, ?> map) {
            object(map, level, out);
        } else {
            throw new JinjaException("TypeError: Object of type " + PyFormat.typeName(value)
                    + " is not JSON serializable");
        }
    }

    private static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return PyFormat.floatRepr(d);
    }

    private void array(List<?> list, int level, StringBuilder out) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        String newline = open(level, out);
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(itemSeparator).append(newline);
            }
            write(list.get(i), level + 1, out);
        }
        close(level, out);
        out.append(']');
    }

    private void object(Map<?, ?> map, int level, StringBuilder out) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (sortKeys) {
            entries.sort((x, y) -> PyOps.compare("<", x.getKey(), y.getKey()));
        }
        out.append('{');
        String newline = open(level, out);
        boolean first = true;
        for (Map.Entry<?, ?> e : entries) {
            if (!first) {
                out.append(itemSeparator).append(newline);
            }
            first = false;
            string(key(e.getKey()), out);
            out.append(keySeparator);
            write(e.getValue(), level + 1, out);
        }
        close(level, out);
        out.append('}');
    }

    /** Starts a non-empty container's body; returns the text that starts each further item's line. */
    private String open(int level, StringBuilder out) {
        if (indent == null) {
            return "";
        }
        String newline = "\n" + indent.repeat(level + 1);
        out.append(newline);
        return newline;
    }

    private void close(int level, StringBuilder out) {
        if (indent != null) {
            out.append('\n').append(indent.repeat(level));
        }
    }

    /** Python turns None, bool, int and float keys into the JSON text of the value. */
    private String key(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key == null || key instanceof Boolean || key instanceof Long || key instanceof Double) {
            StringBuilder text = new StringBuilder();
            write(key, 0, text);
            return text.toString();
        }
        throw new JinjaException("TypeError: keys must be str, int, float, bool or None, not "
                + PyFormat.typeName(key));
    }

    private void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // UTF-16 units are exactly the \\uXXXX escapes Python writes, surrogate pairs included
                    if (c < 0x20 || ensureAscii && c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
