package dev.aha.jinja;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The methods a template may call on values: Python's non-mutating {@code str} methods, {@code dict.items/keys/
 * values/get}, and {@code loop.cycle}. A {@code str} method Python has but this interpreter lacks fails when called,
 * saying so, rather than reading as undefined.
 */
final class Methods {

    /** Every method of Python 3.11's {@code str}. */
    private static final Set<String> STR_METHODS = Set.of("capitalize", "casefold", "center", "count", "encode",
            "endswith", "expandtabs", "find", "format", "format_map", "index", "isalnum", "isalpha", "isascii",
            "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle",
            "isupper", "join", "ljust", "lower", "lstrip", "maketrans", "partition", "removeprefix", "removesuffix",
            "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines",
            "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill");

    private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get", "copy");

    private Methods() {}

    /** {@code self.name}, ready to call. */
    record Bound(Object self, String name) implements JinjaCallable {
        @Override
        public Object call(Args args) {
            return Methods.call(self, name, args);
        }
    }

    static boolean has(Object self, String name) {
        return self instanceof String && STR_METHODS.contains(name)
                || self instanceof Map && DICT_METHODS.contains(name)
                || self instanceof Loop && name.equals("cycle");
    }

    static Object call(Object self, String name, Args args) {
        if (self instanceof String s) {
            return string(s, name, args);
        }
        if (self instanceof Map<?, ?> m) {
            return dict(m, name, args);
        }
        return ((Loop) self).cycle(args.positional());
    }

    private static Object string(String s, String name, Args args) {
        String callee = "str." + name;
        switch (name) {
            case "strip", "lstrip", "rstrip" -> {
                Object chars = args.bind(callee, "chars").get(0, null);
                if (chars != null && !(chars instanceof String)) {
                    throw new JinjaException("TypeError: " + name + " arg must be None or str");
                }
                String c = (String) chars;
                return name.equals("strip") ? PyStrings.strip(s, c)
                        : name.equals("lstrip") ? PyStrings.lstrip(s, c) : PyStrings.rstrip(s, c);
            }
            case "split", "rsplit" -> {
                Args.Bound a = args.bind(callee, "sep", "maxsplit");
                Object sep = a.get(0, null);
                if (sep != null && !(sep instanceof String)) {
                    throw new JinjaException("TypeError: must be str or None, not " + PyFormat.typeName(sep));
                }
                long max = integer(a.get(1, -1L), callee);
                List<Object> parts = name.equals("split") ? PyStrings.split(s, (String) sep, max)
                        : PyStrings.rsplit(s, (String) sep, max);
                return Collections.unmodifiableList(parts);
            }
            case "splitlines" -> {
                return Collections.unmodifiableList(
                        PyStrings.splitlines(s, PyOps.truthy(args.bind(callee, "keepends").get(0, false))));
            }
            case "startswith", "endswith" -> {
                Args.Bound a = args.bind(callee, "prefix", "start", "end");
                String within = s;
                if (a.has(1) || a.has(2)) {
                    within = (String) Access.item(s, new PySlice(optionalInt(a.get(1, null), callee),
                            optionalInt(a.get(2, null), callee), null));
                }
                Object affix = a.required(0);
                List<?> options = affix instanceof PyTuple t ? t : List.of(affix);
                for (Object option : options) {
                    if (!(option instanceof String o)) {
                        throw new JinjaException("TypeError: " + name + " first arg must be str or a tuple of str, not "
                                + PyFormat.typeName(affix instanceof PyTuple ? option : affix));
                    }
                    if (name.equals("startswith") ? within.startsWith(o) : within.endsWith(o)) {
                        return true;
                    }
                }
                return false;
            }
            case "replace" -> {
                Args.Bound a = args.bind(callee, "old", "new", "count");
                return PyStrings.replace(s, text(a.required(0), callee), text(a.required(1), callee),
                        integer(a.get(2, -1L), callee));
            }
            case "upper", "lower", "title", "capitalize" -> {
                args.bind(callee);
                return switch (name) {
                    case "upper" -> PyStrings.upper(s);
                    case "lower" -> PyStrings.lower(s);
                    case "title" -> PyStrings.title(s);
                    default -> PyStrings.capitalize(s);
                };
            }
            case "find", "rfind" -> {
                return PyStrings.find(s, text(args.bind(callee, "sub").required(0), callee), name.equals("rfind"));
            }
            case "count" -> {
                return PyStrings.count(s, text(args.bind(callee, "sub").required(0), callee));
            }
            case "join" -> {
                List<Object> items = PyOps.iterate(args.bind(callee, "iterable").required(0));
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < items.size(); i++) {
                    if (!(items.get(i) instanceof String item)) {
                        throw new JinjaException("TypeError: sequence item " + i + ": expected str instance, "
                                + PyFormat.typeName(items.get(i)) + " found");
                    }
                    out.append(i > 0 ? s : "").append(item);
                }
                return out.toString();
            }
            case "format" -> {
                return format(s, args);
            }
            case "removeprefix" -> {
                String prefix = text(args.bind(callee, "prefix").required(0), callee);
                return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
            }
            case "removesuffix" -> {
                String suffix = text(args.bind(callee, "suffix").required(0), callee);
                return s.endsWith(suffix) && !suffix.isEmpty() ? s.substring(0, s.length() - suffix.length()) : s;
            }
            case "isdigit", "isalpha", "isalnum", "isspace" -> {
                args.bind(callee);
                return !s.isEmpty() && s.codePoints().allMatch(cp -> switch (name) {
                    case "isdigit" -> Character.isDigit(cp);
                    case "isalpha" -> Character.isLetter(cp);
                    case "isalnum" -> Character.isLetterOrDigit(cp);
                    default -> PyStrings.isSpace(cp);
                });
            }
            case "islower", "isupper" -> {
                args.bind(callee);
                boolean lower = name.equals("islower");
                boolean anyCased = s.codePoints().anyMatch(cp -> Character.isUpperCase(cp) || Character.isLowerCase(cp));
                return anyCased && (lower ? s.equals(PyStrings.lower(s)) : s.equals(PyStrings.upper(s)));
            }
            default -> throw new JinjaException(callee + "() is not supported by this template interpreter");
        }
    }

    /**
     * {@code str.format} for replacement fields without a format spec: {@code {}}, {@code {0}}, {@code {name}},
     * optionally {@code !s}/{@code !r}; {@code {{}} and {@code }}} are literal braces.
     */
    private static String format(String s, Args args) {
        StringBuilder out = new StringBuilder();
        int auto = 0;
        boolean manual = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < s.length() && s.charAt(i + 1) == c) {
                out.append(c);
                i++;
            } else if (c == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw new JinjaException("ValueError: Single '{' encountered in format string");
                }
                String field = s.substring(i + 1, close);
                boolean repr = field.endsWith("!r");
                if (repr || field.endsWith("!s")) {
                    field = field.substring(0, field.length() - 2);
                }
                if (field.contains(":") || field.contains("!") || field.contains(".") || field.contains("[")) {
                    throw new JinjaException("str.format(): the field {" + field + "} is not supported (only {}, "
                            + "{0}, {name}, !r and !s)");
                }
                Object value;
                if (field.isEmpty() || field.chars().allMatch(Character::isDigit)) {
                    if (field.isEmpty() ? manual : auto > 0) {
                        throw new JinjaException("ValueError: cannot switch between automatic field numbering and "
                                + "manual field specification");
                    }
                    manual |= !field.isEmpty();
                    int index = field.isEmpty() ? auto++ : Integer.parseInt(field);
                    if (index >= args.positional().size()) {
                        throw new JinjaException("IndexError: Replacement index " + index
                                + " out of range for positional args tuple");
                    }
                    value = args.positional().get(index);
                } else if (args.keyword().containsKey(field)) {
                    value = args.keyword().get(field);
                } else {
                    throw new JinjaException("KeyError: " + PyFormat.repr(field));
                }
                out.append(repr ? PyFormat.repr(value) : PyFormat.str(value));
                i = close;
            } else if (c == '}') {
                throw new JinjaException("ValueError: Single '}' encountered in format string");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Object dict(Map<?, ?> m, String name, Args args) {
        String callee = "dict." + name;
        switch (name) {
            case "items" -> {
                args.bind(callee);
                List<Object> pairs = new ArrayList<>(m.size());
                m.forEach((k, v) -> pairs.add(PyTuple.of(k, v)));
                return Collections.unmodifiableList(pairs);
            }
            case "keys" -> {
                args.bind(callee);
                return Collections.unmodifiableList(new ArrayList<>(m.keySet()));
            }
            case "values" -> {
                args.bind(callee);
                return Collections.unmodifiableList(new ArrayList<>(m.values()));
            }
            case "get" -> {
                Args.Bound a = args.bind(callee, "key", "default");
                Object value = Access.lookupKey(m, a.required(0));
                return value == Access.NOT_FOUND ? a.get(1, null) : value;
            }
            default -> {
                args.bind(callee);
                return m;
            }
        }
    }

    private static String text(Object value, String callee) {
        if (value instanceof String s) {
            return s;
        }
        throw new JinjaException("TypeError: " + callee + "() argument must be str, not " + PyFormat.typeName(value));
    }

    private static long integer(Object value, String callee) {
        Long i = PyOps.asInt(value);
        if (i == null) {
            throw new JinjaException("TypeError: " + callee + "() argument must be int, not "
                    + PyFormat.typeName(value));
        }
        return i;
    }

    private static Long optionalInt(Object value, String callee) {
        return value == null ? null : integer(value, callee);
    }
}
