package dev.aha.runtime.policy.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.policy.llama.LlamaConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The special token ids, the add-BOS/EOS flags and the chat template of a tokenizer directory as GGUF keys, after
 * gguf-py's {@code SpecialVocab}: each of bos, eos, unk, sep, pad, mask is the added token whose content
 * {@code tokenizer_config.json} names ({@code bos_token}, ...), else the model config's {@code <type>_token_id};
 * {@code add_<type>_token} comes from {@code tokenizer_config.json}, or from a post-processor that adds the token
 * (TemplateProcessing, RobertaProcessing); the chat template from {@code chat_template} there, else
 * {@code chat_template.jinja}.
 */
final class GgufSpecialTokens {

    private static final List<String> TYPES = List.of("bos", "eos", "unk", "sep", "pad", "mask");
    private static final Map<String, String> ID_KEYS = Map.of(
            "bos", "tokenizer.ggml.bos_token_id",
            "eos", "tokenizer.ggml.eos_token_id",
            "unk", "tokenizer.ggml.unknown_token_id",
            "sep", "tokenizer.ggml.seperator_token_id", // sic: llama.cpp's spelling
            "pad", "tokenizer.ggml.padding_token_id",
            "mask", "tokenizer.ggml.mask_token_id");
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufSpecialTokens() {}

    /**
     * Puts the keys for the tokenizer in {@code dir} ({@code tokenizer} its parsed tokenizer.json) of a model with
     * {@code rows} embedding rows.
     */
    static void put(Path dir, JsonNode tokenizer, LlamaConfig config, int rows, GgufMetadata out) {
        JsonNode tokenizerConfig = readOptional(dir.resolve("tokenizer_config.json"));
        Map<String, String> named = new HashMap<>();
        for (String type : List.of("bos", "eos", "unk", "sep", "pad", "mask", "cls")) {
            String content = content(tokenizerConfig.get(type + "_token"));
            if (content != null) {
                named.put(type, content);
            }
        }
        named.putIfAbsent("bos", named.get("cls"));
        named.remove("bos", null);
        Map<String, Boolean> add = new LinkedHashMap<>();
        addedByPostProcessor(tokenizer.path("post_processor"), named, add);

        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String type : TYPES) {
            if (tokenizerConfig.path("add_" + type + "_token").isBoolean()) {
                add.put(type, tokenizerConfig.get("add_" + type + "_token").asBoolean());
            }
            String content = named.get(type);
            if (content == null) {
                continue;
            }
            for (JsonNode added : tokenizer.path("added_tokens")) { // the first match, as gguf-py takes
                if (content.equals(added.path("content").asText(null))) {
                    int id = added.path("id").asInt();
                    if (id < rows) {
                        ids.put(type, id);
                    }
                    break;
                }
            }
        }
        if (config.bosTokenId() != null && config.bosTokenId() < rows) {
            ids.putIfAbsent("bos", config.bosTokenId());
        }
        if (config.eosTokenIds().size() == 1 && config.eosTokenIds().get(0) < rows) { // a list is not an id there
            ids.putIfAbsent("eos", config.eosTokenIds().get(0));
        }
        for (String type : TYPES) {
            if (ids.containsKey(type)) {
                out.putUint32(ID_KEYS.get(type), ids.get(type));
            }
        }
        add.forEach((type, value) -> {
            if (!type.equals("pad") && !type.equals("unk") && !type.equals("mask")) { // gguf-py has no key for these
                out.putBool("tokenizer.ggml.add_" + type + "_token", value);
            }
        });
        String template = chatTemplate(dir, tokenizerConfig);
        if (template != null) {
            out.putString("tokenizer.chat_template", template);
        }
    }

    /**
     * The crude reading gguf-py gives a post-processor: RobertaProcessing adds bos, eos and sep; a
     * TemplateProcessing whose single-sequence template starts (ends) with the bos (eos) token adds it.
     */
    private static void addedByPostProcessor(JsonNode postProcessor, Map<String, String> named,
            Map<String, Boolean> add) {
        JsonNode processors = postProcessor.has("processors") ? postProcessor.get("processors")
                : JSON.createArrayNode().add(postProcessor);
        for (JsonNode p : processors) {
            String type = p.path("type").asText();
            if (type.equals("RobertaProcessing")) {
                add.put("bos", true);
                add.put("eos", true);
                add.put("sep", true);
            } else if (type.equals("TemplateProcessing") && p.path("single").size() > 1) {
                JsonNode single = p.get("single");
                String first = single.get(0).path("SpecialToken").path("id").asText(null);
                if (first != null) {
                    named.putIfAbsent("bos", first);
                    add.put("bos", first.equals(named.get("bos")) || first.equals(named.get("cls")));
                }
                String last = single.get(single.size() - 1).path("SpecialToken").path("id").asText(null);
                if (last != null) {
                    add.put("eos", last.equals(named.get("eos")));
                }
            }
        }
    }

    /** A special token as tokenizer_config.json writes it: a string or {"content": ...}; null otherwise. */
    private static String content(JsonNode entry) {
        if (entry == null) {
            return null;
        }
        if (entry.isTextual()) {
            return entry.asText();
        }
        return entry.path("content").isTextual() ? entry.get("content").asText() : null;
    }

    private static String chatTemplate(Path dir, JsonNode tokenizerConfig) {
        JsonNode template = tokenizerConfig.get("chat_template");
        if (template != null && template.isTextual()) {
            return template.asText();
        }
        if (template != null && template.isArray()) { // named templates: the default one
            for (JsonNode choice : template) {
                if ("default".equals(choice.path("name").asText()) && choice.path("template").isTextual()) {
                    return choice.get("template").asText();
                }
            }
        }
        Path jinja = dir.resolve("chat_template.jinja");
        try {
            return Files.isRegularFile(jinja) ? Files.readString(jinja) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + jinja, e);
        }
    }

    private static JsonNode readOptional(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }
}
