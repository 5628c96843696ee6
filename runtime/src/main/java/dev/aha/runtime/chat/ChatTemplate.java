package dev.aha.runtime.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.jinja.JinjaTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's chat template from its Hugging Face {@code tokenizer_config.json}, rendered as transformers'
 * {@code apply_chat_template(messages, add_generation_prompt=..., tokenize=False, **extra)} renders it.
 *
 * <p>The template sees what transformers passes: {@code messages}, {@code tools} and {@code documents}
 * ({@code None} unless given in {@code extra}), {@code add_generation_prompt}, the special tokens that are set
 * ({@code bos_token}, {@code eos_token}, {@code unk_token}, {@code pad_token} as strings, and
 * {@code additional_special_tokens}), then the {@code extra} keywords, e.g. {@code enable_thinking=false} for Qwen3.
 */
public final class ChatTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SPECIAL_TOKENS = List.of("bos_token", "eos_token", "unk_token", "pad_token");

    private final Map<String, JinjaTemplate> templates;
    private final Map<String, Object> specialTokens;

    private ChatTemplate(Map<String, JinjaTemplate> templates, Map<String, Object> specialTokens) {
        this.templates = templates;
        this.specialTokens = specialTokens;
    }

    /**
     * Reads {@code chat_template} and the special tokens of a {@code tokenizer_config.json}. A
     * {@code chat_template.jinja} beside it replaces the config's template, as in transformers. A list of named
     * templates is accepted: {@code default} is used, or {@code tool_use} when tools are given.
     */
    public static ChatTemplate fromTokenizerConfig(Path tokenizerConfigJson) throws IOException {
        Map<String, Object> config = JSON.readValue(tokenizerConfigJson.toFile(), new TypeReference<>() {});
        Map<String, Object> tokens = new LinkedHashMap<>();
        for (String name : SPECIAL_TOKENS) {
            String text = tokenText(config.get(name), tokenizerConfigJson, name);
            if (text != null) {
                tokens.put(name, text);
            }
        }
        if (config.get("additional_special_tokens") instanceof List<?> additional && !additional.isEmpty()) {
            tokens.put("additional_special_tokens", additional.stream()
                    .map(t -> tokenText(t, tokenizerConfigJson, "additional_special_tokens")).toList());
        }
        Path sibling = tokenizerConfigJson.resolveSibling("chat_template.jinja");
        Object source = Files.isRegularFile(sibling) ? Files.readString(sibling) : config.get("chat_template");
        if (source == null) {
            throw new IllegalArgumentException(tokenizerConfigJson + " has no chat_template (and there is no "
                    + sibling.getFileName() + " beside it)");
        }
        return new ChatTemplate(parse(source, tokenizerConfigJson), Collections.unmodifiableMap(tokens));
    }

    /** Whether a tokenizer directory's config (or a chat_template.jinja beside it) carries a chat template. */
    public static boolean present(Path tokenizerConfigJson) throws IOException {
        if (Files.isRegularFile(tokenizerConfigJson.resolveSibling("chat_template.jinja"))) {
            return true;
        }
        Map<String, Object> config = JSON.readValue(tokenizerConfigJson.toFile(), new TypeReference<>() {});
        return config.get("chat_template") != null;
    }

    /** A template from its source, with the given special tokens (e.g. {@code eos_token}) in its context. */
    public static ChatTemplate of(String source, Map<String, ?> specialTokens) {
        return new ChatTemplate(Map.of("default", JinjaTemplate.parse(source)),
                Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens)));
    }

    /**
     * The prompt text for {@code messages} (maps with {@code role}, {@code content}, and whatever else the
     * template reads, e.g. {@code tool_calls}). {@code extra} may set {@code tools}, {@code documents}, override a
     * special token, or pass template flags; it may not set {@code messages} or {@code add_generation_prompt}.
     */
    public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(extra, "extra (use Map.of() for none)");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", messages);
        context.put("tools", null);
        context.put("documents", null);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.putAll(specialTokens);
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            if (e.getKey().equals("messages") || e.getKey().equals("add_generation_prompt")) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is a parameter of render, not an extra");
            }
            context.put(e.getKey(), e.getValue());
        }
        return select(context.get("tools") != null).render(context);
    }

    /** The template source that {@link #render} uses (the {@code default} one of a named list). */
    public String source() {
        return select(false).source();
    }

    private JinjaTemplate select(boolean withTools) {
        JinjaTemplate toolUse = templates.get("tool_use");
        return withTools && toolUse != null ? toolUse : templates.get("default");
    }

    private static Map<String, JinjaTemplate> parse(Object source, Path config) {
        if (source instanceof String text) {
            return Map.of("default", JinjaTemplate.parse(text));
        }
        Map<String, JinjaTemplate> named = new LinkedHashMap<>();
        if (source instanceof List<?> list) {
            for (Object entry : list) {
                if (entry instanceof Map<?, ?> m && m.get("name") instanceof String name
                        && m.get("template") instanceof String text) {
                    named.put(name, JinjaTemplate.parse(text));
                } else {
                    throw new IllegalArgumentException(config + ": chat_template entries must be {name, template}");
                }
            }
        }
        if (!named.containsKey("default")) {
            throw new IllegalArgumentException(config + ": chat_template must be a string or a list of named templates"
                    + " including 'default'");
        }
        return named;
    }

    /** A special token is a string or an AddedToken object ({@code {"content": ...}}); {@code null} when unset. */
    private static String tokenText(Object token, Path config, String name) {
        if (token == null || token instanceof String) {
            return (String) token;
        }
        if (token instanceof Map<?, ?> added && added.get("content") instanceof String content) {
            return content;
        }
        throw new IllegalArgumentException(config + ": " + name + " must be a string or an AddedToken, not " + token);
    }
}
