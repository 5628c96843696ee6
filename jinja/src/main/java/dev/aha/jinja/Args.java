package dev.aha.jinja;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The evaluated arguments of a call, filter or test, bound to parameter names the way Python binds them. */
final class Args {

    static final Args NONE = new Args(List.of(), Map.of());

    private static final Object MISSING = new Object();

    private final List<Object> positional;
    private final Map<String, Object> keyword;

    Args(List<Object> positional, Map<String, Object> keyword) {
        this.positional = positional;
        this.keyword = keyword;
    }

    List<Object> positional() {
        return positional;
    }

    Map<String, Object> keyword() {
        return keyword;
    }

    /** Binds positionals then keywords to {@code params}; too many, unknown or repeated arguments fail. */
    Bound bind(String callee, String... params) {
        if (positional.size() > params.length) {
            throw new JinjaException("TypeError: " + callee + "() takes at most " + params.length + " argument"
                    + (params.length == 1 ? "" : "s") + " (" + positional.size() + " given)");
        }
        Object[] values = new Object[params.length];
        Arrays.fill(values, MISSING);
        for (int i = 0; i < positional.size(); i++) {
            values[i] = positional.get(i);
        }
        for (Map.Entry<String, Object> e : keyword.entrySet()) {
            int at = Arrays.asList(params).indexOf(e.getKey());
            if (at < 0) {
                throw new JinjaException("TypeError: " + callee + "() got an unexpected keyword argument '"
                        + e.getKey() + "'");
            }
            if (values[at] != MISSING) {
                throw new JinjaException("TypeError: " + callee + "() got multiple values for argument '"
                        + e.getKey() + "'");
            }
            values[at] = e.getValue();
        }
        return new Bound(callee, params, values);
    }

    /** Arguments by parameter position. */
    static final class Bound {

        private final String callee;
        private final String[] params;
        private final Object[] values;

        private Bound(String callee, String[] params, Object[] values) {
            this.callee = callee;
            this.params = params;
            this.values = values;
        }

        boolean has(int index) {
            return values[index] != MISSING;
        }

        Object get(int index, Object fallback) {
            return has(index) ? values[index] : fallback;
        }

        Object required(int index) {
            if (!has(index)) {
                throw new JinjaException("TypeError: " + callee + "() missing required argument '" + params[index]
                        + "'");
            }
            return values[index];
        }
    }
}
