package dev.aha.jinja;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test shorthand: render a template with {@code name, value, name, value...} as its context. */
final class Render {

    private Render() {}

    static String render(String template, Object... nameValues) {
        Map<String, Object> context = new HashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            context.put((String) nameValues[i], nameValues[i + 1]);
        }
        return JinjaTemplate.parse(template).render(context);
    }

    /** {@code {'a': 1, 'items': 2, 'b': [1, 2]}}: a dict with a key that is also a dict method's name. */
    static Map<String, Object> sampleDict() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("a", 1);
        d.put("items", 2);
        d.put("b", List.of(1, 2));
        return d;
    }

    /** The error parsing or rendering {@code template} raises. */
    static JinjaException failure(String template, Object... nameValues) {
        return assertThrows(JinjaException.class, () -> render(template, nameValues));
    }
}
