package dev.aha.runtime.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Renders every conversation of {@code src/test/fixtures/chat-templates/cases.json} with the real Qwen3 and
 * DeepSeek-V3 chat templates and compares byte for byte with {@code expected.json}, which Hugging Face's own
 * engine produced (see the README there; {@code crosscheck.py} confirms Python's Jinja2 agrees).
 */
class ChatTemplateFixtureTest {

    private static final Path FIXTURES = Path.of("src/test/fixtures/chat-templates");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> shouldRenderEachCaseExactlyAsHuggingFaceDoes() throws IOException {
        Map<String, Map<String, Object>> cases = casesByName();
        Map<String, ChatTemplate> templates = templates();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> render : renders()) {
            String template = (String) render.get("template");
            String name = (String) render.get("case");
            tests.add(DynamicTest.dynamicTest(template + " / " + name, () -> {
                Map<String, Object> c = cases.get(name);
                String actual = templates.get(template).render(messages(c), (Boolean) c.get("add_generation_prompt"),
                        extra(c));
                String diff = TextDiff.describe((String) render.get("output"), actual);
                if (diff != null) {
                    fail(template + " / " + name + ": " + diff);
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void shouldHaveAFixtureForEveryCaseAndTemplate() throws IOException {
        Map<String, Integer> perTemplate = new HashMap<>();
        int combinations = 0;
        for (Map<String, Object> c : casesByName().values()) {
            for (String template : templatesOf(c)) {
                perTemplate.merge(template, 1, Integer::sum);
                combinations++;
            }
        }
        assertEquals(combinations, renders().size(), "expected.json is stale: run generate.mjs (see README.md)");
        perTemplate.forEach((template, n) -> assertTrue(n >= 10, template + " has only " + n + " cases"));
    }

    private static Map<String, ChatTemplate> templates() throws IOException {
        Map<String, ChatTemplate> out = new HashMap<>();
        for (Map.Entry<String, String> e : templatePaths().entrySet()) {
            out.put(e.getKey(), ChatTemplate.fromTokenizerConfig(TestData.file(e.getValue())));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> templatePaths() throws IOException {
        return (Map<String, String>) read("cases.json").get("templates");
    }

    @SuppressWarnings("unchecked")
    private static List<String> templatesOf(Map<String, Object> c) throws IOException {
        Object only = c.get("templates");
        return only != null ? (List<String>) only : new ArrayList<>(templatePaths().keySet());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> casesByName() throws IOException {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Object c : (List<Object>) read("cases.json").get("cases")) {
            Map<String, Object> m = (Map<String, Object>) c;
            out.put((String) m.get("name"), m);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> renders() throws IOException {
        return (List<Map<String, Object>>) read("expected.json").get("renders");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> messages(Map<String, Object> c) {
        return (List<Map<String, Object>>) c.get("messages");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> extra(Map<String, Object> c) {
        Object extra = c.get("extra");
        return extra == null ? Map.of() : (Map<String, Object>) extra;
    }

    private static Map<String, Object> read(String file) throws IOException {
        return JSON.readValue(FIXTURES.resolve(file).toFile(), new TypeReference<>() {});
    }
}
