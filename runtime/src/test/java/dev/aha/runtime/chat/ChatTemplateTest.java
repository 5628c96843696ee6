package dev.aha.runtime.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.jinja.JinjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How ChatTemplate reads tokenizer_config.json and what context it gives the template. */
class ChatTemplateTest {

    private static final List<Map<String, Object>> HELLO = List.of(Map.of("role", "user", "content", "hello"));

    /** Shows the context variables the template receives. */
    private static final String PROBE = "{{ bos_token is defined }}|{{ bos_token }}|{{ eos_token }}|{{ pad_token }}|"
            + "{{ unk_token is defined }}|{{ additional_special_tokens }}|{{ tools }}|{{ documents }}|"
            + "{{ add_generation_prompt }}|{{ messages[0].content }}|{{ enable_thinking }}";

    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        return Files.writeString(dir.resolve("tokenizer_config.json"), json);
    }

    private static String json(String template) {
        return "\"" + template.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void shouldPassSpecialTokensWrittenAsStringsOrAddedTokens() throws IOException {
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(config("{\"chat_template\": " + json(PROBE) + ", "
                + "\"bos_token\": {\"__type\": \"AddedToken\", \"content\": \"<s>\", \"lstrip\": false}, "
                + "\"eos_token\": \"</s>\", \"pad_token\": \"<pad>\", \"unk_token\": null, "
                + "\"additional_special_tokens\": [\"<a>\", {\"content\": \"<b>\"}]}"));
        assertEquals("True|<s>|</s>|<pad>|False|['<a>', '<b>']|None|None|True|hello|False",
                t.render(HELLO, true, Map.of("enable_thinking", false)));
    }

    @Test
    void shouldLeaveAnUnsetBosTokenUndefined() throws IOException {
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(config("{\"chat_template\": " + json(PROBE)
                + ", \"bos_token\": null, \"eos_token\": \"<|im_end|>\"}"));
        assertEquals("False||<|im_end|>||False||None|None|False|hello|", t.render(HELLO, false, Map.of()));
    }

    @Test
    void shouldLetExtrasSetToolsAndOverrideSpecialTokens() {
        ChatTemplate t = ChatTemplate.of("{{ eos_token }}|{{ tools|length }}|{{ documents[0].title }}",
                Map.of("eos_token", "</s>"));
        assertEquals("<end>|2|doc", t.render(HELLO, false, Map.of("eos_token", "<end>", "tools", List.of(1, 2),
                "documents", List.of(Map.of("title", "doc")))));
    }

    @Test
    void shouldRefuseExtrasThatAreRenderParameters() {
        ChatTemplate t = ChatTemplate.of("x", Map.of());
        assertThrows(IllegalArgumentException.class, () -> t.render(HELLO, false, Map.of("messages", List.of())));
        assertThrows(IllegalArgumentException.class,
                () -> t.render(HELLO, false, Map.of("add_generation_prompt", true)));
    }

    @Test
    void shouldPreferChatTemplateJinjaBesideTheConfig() throws IOException {
        Path config = config("{\"chat_template\": \"from config\"}");
        Files.writeString(dir.resolve("chat_template.jinja"), "from file {{ messages|length }}\n");
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(config);
        assertEquals("from file 1", t.render(HELLO, false, Map.of()));
        assertEquals("from file {{ messages|length }}\n", t.source());
    }

    @Test
    void shouldPickTheToolUseTemplateOnlyWhenToolsAreGiven() throws IOException {
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(config("{\"chat_template\": ["
                + "{\"name\": \"default\", \"template\": \"plain\"}, {\"name\": \"tool_use\", \"template\": \"tools\"}]}"));
        assertEquals("plain", t.render(HELLO, false, Map.of()));
        assertEquals("tools", t.render(HELLO, false, Map.of("tools", List.of())));
        assertEquals("plain", t.source());
    }

    @Test
    void shouldRejectConfigsWithoutAUsableTemplate() throws IOException {
        Path none = config("{\"eos_token\": \"</s>\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.fromTokenizerConfig(none));
        assertTrue(e.getMessage().contains("has no chat_template"), e.getMessage());
        Path noDefault = config("{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"x\"}]}");
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.fromTokenizerConfig(noDefault));
        Path badToken = config("{\"chat_template\": \"x\", \"eos_token\": 7}");
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.fromTokenizerConfig(badToken));
        Path badSyntax = config("{\"chat_template\": \"{% if %}\"}");
        JinjaException syntax = assertThrows(JinjaException.class, () -> ChatTemplate.fromTokenizerConfig(badSyntax));
        assertEquals(1, syntax.line());
    }

    @Test
    void shouldSurfaceTheTemplatesOwnErrors() {
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}{% if m.role not in ['user', 'assistant'] %}"
                + "{{ raise_exception('Unknown role: ' ~ m.role) }}{% endif %}{% endfor %}", Map.of());
        JinjaException e = assertThrows(JinjaException.class,
                () -> t.render(List.of(Map.of("role", "robot", "content", "x")), false, Map.of()));
        assertEquals("line 1: Unknown role: robot", e.getMessage());
    }
}
