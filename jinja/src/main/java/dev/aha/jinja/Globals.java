package dev.aha.jinja;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The functions every template sees: Jinja2's {@code range}, {@code dict}, {@code namespace}, and the two
 * transformers adds, {@code raise_exception(message)} and {@code strftime_now(format)}.
 */
final class Globals {

    /** Jinja2's sandbox refuses larger ranges (MAX_RANGE). */
    static final int MAX_RANGE = 100_000;

    private Globals() {}

    static Map<String, Object> create() {
        Map<String, Object> globals = new HashMap<>();
        add(globals, "range", Globals::range);
        add(globals, "dict", args -> Collections.unmodifiableMap(pairs("dict", args)));
        add(globals, "namespace", args -> new Namespace(pairs("namespace", args)));
        add(globals, "raise_exception", args -> {
            throw new JinjaException(PyFormat.str(args.bind("raise_exception", "message").required(0)));
        });
        add(globals, "strftime_now", args -> {
            Object format = args.bind("strftime_now", "format").required(0);
            if (!(format instanceof String f)) {
                throw new JinjaException("TypeError: strftime_now() argument must be str, not "
                        + PyFormat.typeName(format));
            }
            return Strftime.format(LocalDateTime.now(), f);
        });
        return globals;
    }

    private static void add(Map<String, Object> globals, String name, Function<Args, Object> body) {
        globals.put(name, new JinjaCallable() {
            @Override
            public Object call(Args args) {
                return body.apply(args);
            }

            @Override
            public String name() {
                return name;
            }
        });
    }

    private static Object range(Args args) {
        List<Object> a = args.positional();
        if (a.isEmpty() || a.size() > 3 || !args.keyword().isEmpty()) {
            throw new JinjaException("TypeError: range expected 1 to 3 positional arguments, got " + a.size());
        }
        long[] n = new long[a.size()];
        for (int i = 0; i < n.length; i++) {
            Long v = PyOps.asInt(a.get(i));
            if (v == null) {
                throw new JinjaException("TypeError: '" + PyFormat.typeName(a.get(i))
                        + "' object cannot be interpreted as an integer");
            }
            n[i] = v;
        }
        long start = n.length == 1 ? 0 : n[0];
        long stop = n.length == 1 ? n[0] : n[1];
        long step = n.length == 3 ? n[2] : 1;
        if (step == 0) {
            throw new JinjaException("ValueError: range() arg 3 must not be zero");
        }
        long count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                : (start > stop ? (start - stop - step - 1) / -step : 0);
        if (count > MAX_RANGE) {
            throw new JinjaException("OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE ("
                    + MAX_RANGE + ").");
        }
        List<Object> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            out.add(start + i * step);
        }
        return Collections.unmodifiableList(out);
    }

    /** Python's {@code dict(mapping_or_pairs, **kwargs)}. */
    private static Map<Object, Object> pairs(String callee, Args args) {
        if (args.positional().size() > 1) {
            throw new JinjaException("TypeError: " + callee + " expected at most 1 argument, got "
                    + args.positional().size());
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        if (!args.positional().isEmpty()) {
            Object source = args.positional().get(0);
            if (source instanceof Map<?, ?> m) {
                out.putAll(m);
            } else {
                for (Object pair : PyOps.iterate(source)) {
                    List<Object> kv = PyOps.iterate(pair);
                    if (kv.size() != 2) {
                        throw new JinjaException("ValueError: " + callee + " update sequence element has length "
                                + kv.size() + "; 2 is required");
                    }
                    out.put(kv.get(0), kv.get(1));
                }
            }
        }
        out.putAll(args.keyword());
        return out;
    }
}
