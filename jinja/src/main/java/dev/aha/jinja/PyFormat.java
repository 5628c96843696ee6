package dev.aha.jinja;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Python's {@code str()} and {@code repr()} of template values, which is what {@code {{ value }}} prints. */
final class PyFormat {

    private PyFormat() {}

    /** {@code str(value)}; an undefined value prints as nothing. */
    static String str(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Undefined) {
            return "";
        }
        return repr(value);
    }

    static String repr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Long l) {
            return l.toString();
        }
        if (value instanceof Double d) {
            return floatRepr(d);
        }
        if (value instanceof String s) {
            return stringRepr(s);
        }
        if (value instanceof PyTuple t) {
            return t.size() == 1 ? "(" + repr(t.get(0)) + ",)" : join("(", t, ")");
        }
        if (value instanceof List<?> l) {
            return join("[", l, "]");
        }
        if (value instanceof Map<?, ?> m) {
            StringBuilder out = new StringBuilder("{");
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                out.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append('}').toString();
        }
        if (value instanceof Undefined) {
            return "Undefined";
        }
        if (value instanceof PySlice s) {
            return "slice(" + repr(s.start()) + ", " + repr(s.stop()) + ", " + repr(s.step()) + ")";
        }
        if (value instanceof Namespace ns) {
            return "<Namespace " + repr(ns.attributes()) + ">";
        }
        if (value instanceof Loop loop) {
            return "<LoopContext " + loop.index() + "/" + loop.length() + ">";
        }
        if (value instanceof Macro macro) {
            return "<Macro " + repr(macro.name()) + ">";
        }
        if (value instanceof JinjaCallable f) {
            return "<built-in function " + f.name() + ">";
        }
        return String.valueOf(value);
    }

    private static String join(String open, List<?> items, String close) {
        StringBuilder out = new StringBuilder(open);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(repr(items.get(i)));
        }
        return out.append(close).toString();
    }

    /** Python's quoting: single quotes unless the text has a single quote and no double quote. */
    static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (!isPrintable(cp)) {
                out.append(cp <= 0xff ? String.format("\\x%02x", cp)
                        : cp <= 0xffff ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append(quote).toString();
    }

    /** Python's {@code str.isprintable} for one code point: no controls, formats, separators other than space. */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back to the same double, in fixed notation when
     * the decimal exponent is in [-4, 16) and as {@code 1e+16} otherwise; always with a fraction or exponent.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.toPlainString();
            return sign + (plain.indexOf('.') >= 0 ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
                + Math.abs(exponent);
    }

    /** Python's {@code type(value).__name__}. */
    static String typeName(Object value) {
        if (value == null) {
            return "NoneType";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Long) {
            return "int";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof String) {
            return "str";
        }
        if (value instanceof PyTuple) {
            return "tuple";
        }
        if (value instanceof List) {
            return "list";
        }
        if (value instanceof Map) {
            return "dict";
        }
        if (value instanceof Undefined) {
            return "Undefined";
        }
        if (value instanceof Namespace) {
            return "Namespace";
        }
        if (value instanceof Loop) {
            return "LoopContext";
        }
        if (value instanceof Macro) {
            return "Macro";
        }
        return "builtin_function_or_method";
    }

    /** Jinja's {@code object_type_repr}, used in "'dict object' has no attribute 'x'". */
    static String objectTypeRepr(Object value) {
        if (value == null) {
            return "None";
        }
        return switch (typeName(value)) {
            case "Namespace" -> "jinja2.utils.Namespace object";
            case "LoopContext" -> "jinja2.runtime.LoopContext object";
            case "Macro" -> "jinja2.runtime.Macro object";
            case "Undefined" -> "jinja2.runtime.Undefined object";
            default -> typeName(value) + " object";
        };
    }
}
